import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { renderExtrasText } from "../../src/cli/extras.js";
import type { RunResult } from "../../src/metrics/result.js";
import { renderTextSummary } from "../../src/report/index.js";
import { loadScenarioFile, runScenario } from "../../src/scenario/index.js";

/**
 * Every teaching scenario in scenarios/ runs, conserves message fates, matches its golden summary
 * (test/golden/<name>.txt, numbers normalised) and shows what its opening comment says it teaches.
 * Regenerate goldens after an intended change: UPDATE_GOLDEN=1 npx vitest run test/scenario/scenarios.test.ts
 */
const NAMES = [
  "hello-world",
  "work-queues",
  "pubsub-fanout",
  "topic-routing",
  "headers-routing",
  "rpc-direct-reply",
  "dead-letter-retry",
  "max-length-overflow",
  "priority",
  "publisher-confirms",
];

const results = new Map<string, RunResult>();
const result = (name: string): RunResult => results.get(name)!;

beforeAll(() => {
  for (const name of NAMES) results.set(name, runScenario(loadScenarioFile(`scenarios/${name}.yaml`)));
});

/**
 * Numbers (with any unit or magnitude suffix: 12.3ms, 1.5k) become "#" and runs of spaces one
 * space, so goldens check the structure, names and kinds, not values other engineers' model
 * changes move.
 */
function normalise(text: string): string {
  return (
    text
      .replace(/\d+(\.\d+)?(e[+-]?\d+)?[A-Za-zµ]*/g, "#")
      .replace(/#(\s*#)+/g, "#")
      // what is still queued / in flight at the last instant depends on the last few events: not structure
      .replace(/, (queued|in-flight) #/g, "")
      .replace(/[ \t]+/g, " ")
      .replace(/ +$/gm, "")
  );
}

describe("teaching scenarios", () => {
  it("the list of scenarios tested is every top-level file in scenarios/", () => {
    const files = readdirSync("scenarios")
      .filter((f) => f.endsWith(".yaml"))
      .map((f) => f.replace(/\.yaml$/, ""))
      .sort();
    expect(files).toEqual([...NAMES].sort());
  });

  for (const name of NAMES) {
    it(`${name}: opens with a comment and has a one-sentence description (not cut short by a YAML "#")`, () => {
      expect(readFileSync(`scenarios/${name}.yaml`, "utf8")).toMatch(
        /^# yaml-language-server: \$schema=\.\.\/schema\/scenario\.schema\.json\n#\n# \S/,
      );
      expect(result(name).scenario.description).toMatch(/^\S.{20,}\.$/);
    });

    it(`${name}: every message copy has exactly one fate`, () => {
      const r = result(name);
      expect(r.fates.conserved).toBe(true);
      expect(r.summary.counts.published).toBeGreaterThan(0);
    });

    it(`${name}: summary matches test/golden/${name}.txt (numbers normalised)`, () => {
      const r = result(name);
      const text = normalise(renderTextSummary(r) + renderExtrasText(r));
      const file = `test/golden/${name}.txt`;
      if (process.env.UPDATE_GOLDEN || !existsSync(file)) writeFileSync(file, text);
      expect(text).toBe(readFileSync(file, "utf8"));
    });
  }
});

type Stats = { count: number; mean: number; p50: number; p99: number; max: number };
const appLatency = (r: RunResult, kind: "byConsumer" | "byProducer", group: string): Stats =>
  (r.extensions!.clientLatency as unknown as Record<string, Record<string, Stats>>)[kind]![group]!;
const producerMessages = (r: RunResult, name: string): number =>
  r.topology.producers.find((p) => p.name === name)!.messages!;

describe("each scenario shows what it teaches", () => {
  it("hello-world: 10/s for 10 s, every message consumed and acked", () => {
    const r = result("hello-world");
    expect(r.summary.counts.published).toBe(100);
    expect(r.fates.total.acked).toBe(100);
  });

  it("work-queues: round-robin makes the slow worker's tasks wait; prefetch 1 does not", () => {
    const r = result("work-queues");
    const slowRr = appLatency(r, "byConsumer", "rr-slow").mean;
    const fair = Math.max(
      appLatency(r, "byConsumer", "fair-fast").mean,
      appLatency(r, "byConsumer", "fair-slow").mean,
    );
    expect(slowRr).toBeGreaterThan(20 * fair);
    expect(r.summary.queues["tasks-round-robin"]!.unacked.max).toBeGreaterThan(
      r.summary.queues["tasks-fair"]!.unacked.max,
    );
    // fair dispatch: the fast worker takes most tasks
    expect(appLatency(r, "byConsumer", "fair-fast").count).toBeGreaterThan(
      appLatency(r, "byConsumer", "fair-slow").count,
    );
  });

  it("pubsub-fanout: every message is copied to each of the three queues", () => {
    const r = result("pubsub-fanout");
    expect(r.fates.copies).toBe(3 * r.summary.counts.published);
    for (const q of ["logs-console", "logs-archive", "logs-audit"]) {
      expect(r.summary.queues[q]!.counts.enqueued).toBe(r.summary.counts.published);
    }
    expect(r.summary.queues["logs-archive"]!.depth.final).toBeGreaterThan(100); // the slow archiver falls behind
  });

  it("topic-routing: wildcards select keys, one copy per queue, unmatched keys are dropped", () => {
    const r = result("topic-routing");
    const pub = r.summary.counts.published;
    const share = (q: string) => r.summary.queues[q]!.counts.enqueued / pub;
    expect(share("all-orders")).toBeGreaterThan(0.7); // order.* keys: 75 % of the weight
    expect(share("all-orders")).toBeLessThan(0.8);
    expect(share("eu-orders")).toBeGreaterThan(0.45); // order.created.eu + order.shipped.eu: 50 %
    expect(share("eu-orders")).toBeLessThan(0.55);
    expect(share("failures")).toBeGreaterThan(0.1); // payment.failed(.eu): 15 %
    expect(share("failures")).toBeLessThan(0.2);
    expect(r.fates.unqueued["unroutable-dropped"]).toBeGreaterThan(0);
  });

  it("headers-routing: x-match all takes only pdf reports, x-match any takes zips, csv matches nothing", () => {
    const r = result("headers-routing");
    expect(r.summary.queues.reports!.counts.enqueued).toBe(producerMessages(r, "pdf-reports"));
    expect(r.summary.queues.bulk!.counts.enqueued).toBe(producerMessages(r, "zip-uploads"));
    expect(r.fates.unqueued["unroutable-dropped"]).toBe(producerMessages(r, "csv-exports"));
  });

  it("rpc-direct-reply: requests are answered, and the round trip exceeds the processing time", () => {
    const r = result("rpc-direct-reply");
    const req = (
      r.extensions!.requests as unknown as Record<string, { sent: number; replies: number; roundTrip: Stats }>
    ).client!;
    expect(req.replies).toBeGreaterThan(0.95 * req.sent);
    expect(req.roundTrip.mean).toBeGreaterThan(0.015);
  });

  it("dead-letter-retry: rejected jobs come back after the 5 s retry TTL", () => {
    const r = result("dead-letter-retry");
    expect(r.fates.queues.jobs!["dead-lettered"]).toBeGreaterThan(0);
    expect(r.fates.queues["jobs-retry"]!["dead-lettered"]).toBeGreaterThan(0);
    expect(r.summary.latency.max).toBeGreaterThanOrEqual(5);
  });

  it("max-length-overflow: drop-head drops old messages silently, reject-publish nacks new ones", () => {
    const r = result("max-length-overflow");
    expect(r.fates.queues["drop-oldest"]!["overflow-dropped"]).toBeGreaterThan(0);
    expect(r.summary.counts.nacked).toBeGreaterThan(0);
    // drop-head enqueues the new message, then drops the head: for that instant 501 are ready
    // (rabbit_amqqueue_process: deliver_or_enqueue, then maybe_drop_head)
    expect(r.summary.queues["drop-oldest"]!.ready.max).toBeLessThanOrEqual(501);
    expect(r.summary.queues["refuse-newest"]!.ready.max).toBeLessThanOrEqual(500);
    // drop-head moves at the input rate (~2.5 s wait), reject-publish at the consume rate (~5 s)
    expect(appLatency(r, "byProducer", "to-reject-publish").p50).toBeGreaterThan(
      1.5 * appLatency(r, "byProducer", "to-drop-head").p50,
    );
  });

  it("priority: urgent messages overtake the bulk backlog", () => {
    const r = result("priority");
    expect(appLatency(r, "byProducer", "urgent").mean * 3).toBeLessThan(
      appLatency(r, "byProducer", "bulk").mean,
    );
  });

  it("publisher-confirms: streaming > batches > one at a time, each by a wide margin", () => {
    const q = result("publisher-confirms").summary.queues;
    const n = (name: string) => q[name]!.counts.enqueued;
    expect(n("q-streaming")).toBeGreaterThan(3 * n("q-batches"));
    expect(n("q-batches")).toBeGreaterThan(10 * n("q-one-at-a-time"));
  });
});
