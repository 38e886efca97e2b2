import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RunResult } from "../../src/metrics/result.js";
import { renderReport } from "../../src/report/render.js";
import type { RpcResult } from "../../src/rpc/result.js";
import { FlowWatch, formatTrace } from "../../src/rpc/trace/index.js";
import {
  buildWorld,
  loadScenarioFile,
  parseScenarioText,
  runScenario,
  ScenarioError,
} from "../../src/scenario/index.js";
import { rpcSystemOf } from "../../src/scenario/rpc-extension.js";

const dir = join(import.meta.dirname, "..", "..", "scenarios", "openstack");
const SMALL = ["rpc.services.compute.hosts=20", "duration=2m"];
const rpcOf = (r: RunResult): RpcResult => r.rpc as unknown as RpcResult;

describe("OpenStack scenarios", () => {
  it("nova-vm-boot boots VMs end to end through conductor, scheduler and compute, deterministically", () => {
    const s = loadScenarioFile(join(dir, "nova-vm-boot.yaml"), { sets: SMALL });
    const a = runScenario(s);
    const rpc = rpcOf(a);
    const boot = rpc.flows.boot!;
    expect(boot.started).toBeGreaterThan(80); // Poisson arrivals at 1/s for 120 s
    expect(boot.completed).toBeGreaterThan(boot.started - 15);
    expect(boot.failed).toBe(0);
    // A boot is at least the build (median 6 s) plus six object_action calls at the 0.5 s poll.
    expect(boot.latency.p50).toBeGreaterThan(6);
    expect(rpc.methods["scheduler.select_destinations"]!.ok).toBeGreaterThanOrEqual(boot.started - 2);
    expect(rpc.traces.some((t) => t.tags.includes("median"))).toBe(true);
    expect(JSON.stringify(runScenario(s).rpc)).toBe(JSON.stringify(a.rpc));
  });

  it("the report of an rpc run has the RPC tables, a sequence diagram, waterfalls and the narrated trace", () => {
    const r = runScenario(loadScenarioFile(join(dir, "nova-vm-boot.yaml"), { sets: SMALL }));
    const { files } = renderReport(r);
    expect(files["charts/rpc-sequence-boot-1.svg"]).toContain('class="lifeline"');
    expect(files["charts/rpc-sequence-boot-1.svg"]).toContain("select_destinations (call)");
    expect(
      Object.keys(files).filter((f) => f.startsWith("charts/rpc-waterfall-")).length,
    ).toBeGreaterThanOrEqual(2);
    expect(files["index.html"]).toContain("Narrated trace of boot#1");
    expect(files["index.html"]).toContain("scheduler.select_destinations");
  });

  it("trace narrates boot#1: routing with the bindings that did not match and why, and the select_destinations call", () => {
    const s = loadScenarioFile(join(dir, "nova-vm-boot.yaml"), { sets: SMALL });
    const world = buildWorld(s);
    const watch = new FlowWatch(world.broker, rpcSystemOf(world)!, "boot", 1);
    world.start(() => {});
    while (!watch.done && world.sim.now < world.end) world.sim.run({ until: world.sim.now + 1e9 });
    const text = formatTrace(watch.lines());
    expect(watch.done).toBe(true);
    expect(text).toContain("nova-api casts conductor.schedule_and_build_instances");
    expect(text).toContain("calls scheduler.select_destinations");
    expect(text).toMatch(
      // which two-word bindings are listed first depends on declaration order across the cluster
      /binding '([\w-]+\.[\w-]+)' → '\1' does not match: pattern '\1' needs 2 words, the key has 1/,
    );
    expect(text).toContain("default exchange: every queue is bound by its name");
    expect(text).toMatch(/picks up the scheduler\.select_destinations reply at its next 0\.5 s poll/);
  });

  it("reply-queue-expiry: calls from the compute time out once its reply consumer is gone, and stop after the restart", () => {
    const r = runScenario(loadScenarioFile(join(dir, "reply-queue-expiry.yaml")));
    const rpc = rpcOf(r);
    const bin = rpc.timeline.binWidth;
    const timeouts = (from: number, to: number) =>
      rpc.timeline.timeouts.slice(Math.floor(from / bin), Math.floor(to / bin)).reduce((a, b) => a + b, 0);
    expect(timeouts(0, 300)).toBe(0);
    expect(timeouts(360, 2400)).toBeGreaterThan(30);
    expect(timeouts(2460, 2700)).toBe(0);
    // The restarted process is a new one with a new reply queue: the conductor, which gave up on
    // the old name (ObsoleteReplyQueuesCache), answers it at once.
    const compute = rpc.topology!.roles.find((role) => role.name === "compute")!;
    const replies = compute.consumes.find((f) => f.kind === "reply")!;
    expect(replies.queues).toContain("reply_compute-3");
    expect(replies.queues).toContain("reply_compute-3.r1");
    // The consumer-less queue expired with its unread replies; later replies bounced and were abandoned.
    expect(r.fates.lostByCause["queue-deleted"]).toBeGreaterThan(0);
    expect(rpc.processes.repliesAbandoned).toBeGreaterThan(0);
    expect(rpc.flows.boot!.failed).toBeGreaterThan(0);
  });

  it("broker-restart-timeout-storm: computes stuck through the outage resume together, so report_state stays in step", () => {
    const r = runScenario(loadScenarioFile(join(dir, "broker-restart-timeout-storm.yaml")));
    const crash = r.markers.find((m) => m.kind === "crash")!.time;
    const up = r.markers.find((m) => m.kind === "node-up")!.time;
    const { time, total } = r.timeSeries;
    /** Standard deviation of the publish rate over the bins starting in [from, to). */
    const spread = (from: number, to: number): number => {
      const xs = total.published.filter((_, i) => time[i]! >= from && time[i]! < to);
      const mean = xs.reduce((a, x) => a + x, 0) / xs.length;
      return Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length);
    };
    // before the crash the 10 s report timers of 200 computes are spread out: a nearly flat rate;
    // after recovery they fire together, every other 5 s bin (about 45 then 90 publishes/s)
    const before = spread(60, crash);
    const after = spread(up + 30, r.run.endTime);
    expect(after).toBeGreaterThan(3 * before);
  });

  it("a step naming an undeclared service is a validation error with a suggestion", () => {
    const text = [
      "name: bad",
      "duration: 1m",
      "rpc:",
      "  services:",
      "    scheduler: { methods: { select_destinations: { time: 1ms } } }",
      "  workload:",
      "    - { name: w, from: api, rate: 1/s, do: call schedular.select_destinations }",
    ].join("\n");
    let problems: readonly { path: string; message: string; line: number }[] = [];
    try {
      parseScenarioText(text, "bad.yaml");
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
      problems = e.problems as never;
    }
    expect(problems.map((p) => p.message).join("\n")).toContain("did you mean 'scheduler'?");
    expect(problems[0]!.line).toBe(7);
  });
});
