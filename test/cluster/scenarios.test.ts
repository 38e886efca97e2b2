import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderExtrasText } from "../../src/cli/extras.js";
import type { RunResult } from "../../src/metrics/result.js";
import { renderTextSummary } from "../../src/report/index.js";
import { loadScenarioFile } from "../../src/scenario/load-file.js";
import { runScenario } from "../../src/scenario/run.js";

const cache = new Map<string, RunResult>();
/** Runs scenarios/cluster/<name>.yaml once per set of overrides. */
const run = (name: string, sets: string[] = []): RunResult => {
  const key = [name, ...sets].join(" ");
  let r = cache.get(key);
  if (r === undefined) {
    r = runScenario(loadScenarioFile(`scenarios/cluster/${name}.yaml`, { sets }));
    cache.set(key, r);
  }
  return r;
};

const NAMES = readdirSync("scenarios/cluster")
  .filter((f) => f.endsWith(".yaml"))
  .map((f) => f.replace(/\.yaml$/, ""))
  .sort();

/** As test/scenario/scenarios.test.ts: numbers become "#", so goldens check structure and kinds. */
function normalise(text: string): string {
  return text
    .replace(/\d+(\.\d+)?(e[+-]?\d+)?[A-Za-zµ]*/g, "#")
    .replace(/#(\s*#)+/g, "#")
    .replace(/[ \t]+/g, " ")
    .replace(/ +$/gm, "");
}

describe("cluster scenarios: golden summaries", () => {
  for (const name of NAMES) {
    it(`${name}: opens with a comment, conserves fates, matches test/cluster/golden/${name}.txt`, () => {
      expect(readFileSync(`scenarios/cluster/${name}.yaml`, "utf8")).toMatch(
        /^# yaml-language-server: \$schema=\.\.\/\.\.\/schema\/scenario\.schema\.json\n#\n# \S/,
      );
      const r = run(name);
      expect(r.fates.conserved).toBe(true);
      expect(r.markers.length).toBeGreaterThan(0); // its faults are on the time axes
      const text = normalise(renderTextSummary(r) + renderExtrasText(r));
      const file = `test/cluster/golden/${name}.txt`;
      if (process.env.UPDATE_GOLDEN || !existsSync(file)) {
        mkdirSync("test/cluster/golden", { recursive: true });
        writeFileSync(file, text);
      }
      expect(text).toBe(readFileSync(file, "utf8"));
    });
  }
});

describe("cluster scenarios: headline outcomes", () => {
  it("node-crash-classic: the transient queue loses its whole backlog, all of it confirmed; the durable queue loses no confirmed message and recovers the rest", () => {
    const r = run("node-crash-classic");
    const events = r.fates.queues.events!;
    const orders = r.fates.queues.orders!;
    expect(events.lost).toBeGreaterThan(900); // 20 s of backlog growing at 50/s
    // the clients reconnect (~35 s) and redeclare the transient queue: its worker consumes again
    expect(r.summary.consumers["event-worker"]!.consumed).toBeGreaterThan(1100);
    expect(orders.lost).toBeLessThanOrEqual(5); // only the last fsync interval (25 ms at 100/s)
    expect(orders.queued).toBeGreaterThan(900); // recovered from disk, waiting after the restart
    expect(r.fates.confirmedLost).toBe(events.lost); // every lost confirmed message was transient
    expect(r.fates.lostByCause["node-crash"]).toBe(events.lost + orders.lost);
    expect(r.fates.conserved).toBe(true);
    expect(r.markers.map((m) => m.kind)).toEqual(["crash", "node-up"]);
  });
});

describe("cluster scenarios: replicated queues", () => {
  it("quorum-failover: the leader crash loses no message (confirmedLost = 0); the dead worker's unacked deliveries come back as duplicates", () => {
    const r = run("quorum-failover");
    expect(r.summary.counts.lost).toBe(0);
    expect(r.fates.confirmedLost).toBe(0);
    expect(r.fates.duplicates).toBeGreaterThan(0);
    expect(r.fates.duplicates).toBeLessThanOrEqual(10); // at most worker-a's prefetch
    expect(r.fates.redelivered).toBe(r.fates.duplicates);
    expect(r.markers.map((m) => `${m.kind}@${m.time}`)).toEqual([
      "crash@10",
      "leader-elected@12",
      "node-up@25",
    ]);
    // worker-b keeps consuming after the election
    expect(r.summary.consumers["worker-b"]!.consumed).toBeGreaterThan(1000);
    expect(r.fates.conserved).toBe(true);
  });
});

describe("cluster scenarios: quorum queue under a partition", () => {
  it("partition-quorum-minority: one leader, on the majority side; the minority producer's messages wait unconfirmed; nothing lost", () => {
    const r = run("partition-quorum-minority");
    expect(r.markers.map((m) => `${m.kind}@${m.time}`)).toEqual(["partition@10", "leader-elected@12"]);
    expect(r.summary.counts.lost).toBe(0);
    expect(r.fates.confirmedLost).toBe(0);
    // edge (10/s, on the minority node) reached no leader from 10 s to 30 s: 200 in flight
    expect(r.fates.total["in-flight"]).toBe(200);
    // api (50/s, majority side) was served throughout: everything it published was acked
    expect(r.fates.total.acked).toBe(r.summary.counts.published - 200);
  });
});

describe("cluster scenarios: mirrored queues", () => {
  it("mirrored-failover-loss: promoting the unsynchronised mirror loses the confirmed backlog published before it rejoined; ha-sync-mode automatic loses nothing", () => {
    const r = run("mirrored-failover-loss");
    // consumed 20/s: at 30 s the queue still holds messages from ~6 s on; those before 15 s are lost
    expect(r.fates.lostByCause["mirror-promotion"]).toBeGreaterThan(850);
    expect(r.fates.lostByCause["mirror-promotion"]).toBeLessThan(910);
    expect(r.fates.confirmedLost).toBe(r.fates.lostByCause["mirror-promotion"]);
    expect(r.markers.map((m) => m.kind)).toEqual(["crash", "node-up", "crash", "mirror-promoted"]);
    const synced = run("mirrored-failover-loss", ["policies.0.definition.ha-sync-mode=automatic"]);
    expect(synced.summary.counts.lost).toBe(0);
    expect(synced.fates.conserved).toBe(true);
  });
});

describe("cluster scenarios: back-pressure", () => {
  it("memory-alarm-blocks-publishers: the alarm blocks the publisher for part of the run while the consumer never stops", () => {
    const r = run("memory-alarm-blocks-publishers");
    const blocked = r.markers.filter((m) => m.kind === "connection-blocked");
    expect(blocked.length).toBeGreaterThanOrEqual(2);
    expect(r.markers.filter((m) => m.kind === "alarm-cleared").length).toBeGreaterThanOrEqual(1);
    const ext = r.extensions!.cluster as { publishersBlockedSeconds: number };
    expect(ext.publishersBlockedSeconds).toBeGreaterThan(15); // 10-12.5, 15-22.5, 25-40 s
    // the consumer takes 100/s (10 ms each) throughout: blocking publishers does not slow it
    expect(r.summary.throughput.consumed).toBeGreaterThan(99);
    // the publisher got less than the 200/s it offered
    expect(r.summary.throughput.published).toBeLessThan(180);
    expect(r.summary.counts.lost).toBe(0);
  });
});

describe("cluster scenarios: network and partitions", () => {
  it("slow-link: with prefetch 1 a 50 ms link caps the consumer at ~1/RTT and the queue backs up; prefetch 20 hides it", () => {
    const r = run("slow-link");
    const depth = r.summary.queues.tasks!.depth;
    expect(depth.max).toBeGreaterThan(300); // (50 - 9.5)/s over 10 s
    expect(r.summary.latency.p50).toBeLessThan(0.001); // outside the fault: microseconds
    expect(r.summary.latency.max).toBeGreaterThan(5); // inside: seconds
    expect(r.fates.total.acked).toBe(r.summary.counts.published); // drained after the fault
    expect(r.markers.map((m) => m.kind)).toEqual(["link"]);
    const wide = run("slow-link", ["consumers.0.prefetch=20"]);
    expect(wide.summary.queues.tasks!.depth.max).toBeLessThan(20);
  });

  it("partition-pause-minority: the minority node pauses one net_ticktime after the partition and resumes after the heal, losing no persistent message", () => {
    const r = run("partition-pause-minority");
    expect(r.markers.map((m) => `${m.kind}@${m.time}`)).toEqual([
      "partition@10",
      "node-pause@70",
      "node-up@105",
    ]);
    // publishing stopped when rabbit-1 paused at 70 s (20/s for 70 s) and resumed when the
    // producer got back in, on the first 5-s retry after rabbit-1 resumed at 105 s
    expect(r.summary.counts.published).toBeGreaterThan(1400 + 20 * 10);
    expect(r.summary.counts.published).toBeLessThan(1400 + 20 * 15);
    expect(r.summary.counts.lost).toBe(0);
    const unacked = r.fates.total["in-flight"] ?? 0; // at most the worker's prefetch
    expect(unacked).toBeLessThanOrEqual(10);
    expect(r.fates.total.queued + r.fates.total.acked + unacked).toBe(r.summary.counts.published);
  });

  it("partition-ignore-split-brain: under `ignore` both sides accept and confirm work once the partition is noticed; on heal the split-off side's confirmed messages are lost (partition-heal, confirmedLost)", () => {
    const r = run("partition-ignore-split-brain");
    expect(r.markers.map((m) => `${m.kind}@${m.time}`)).toEqual([
      "partition@10",
      "split-brain@20",
      "split-brain-healed@40",
    ]);
    // edge (10/s on rabbit-2): 10-20 s unnoticed, its publishes never reach the leader (in
    // flight); 20-40 s accepted and confirmed by the second leader, then discarded at the heal
    expect(r.fates.total["in-flight"]).toBe(100);
    expect(r.fates.lostByCause["partition-heal"]).toBe(200);
    expect(r.fates.confirmedLost).toBe(200);
    expect(r.summary.counts.confirmed).toBe(r.summary.counts.published - 100);
    // rabbit-1's side never stopped: every other message was consumed
    expect(r.fates.total.acked).toBe(r.summary.counts.published - 300);
    expect(r.fates.conserved).toBe(true);
  });
});
