import { describe, expect, it } from "vitest";
import { seconds } from "../../src/engine/time.js";
import type { Span } from "../../src/rpc/span.js";
import { method, periodic, service, type World, workload, world } from "./helpers.js";

/** Spans as they close: caller, method, outcome, request and close times (s). */
function closes(
  w: World,
): { from: string; method: string; outcome: string; requested: number; done: number }[] {
  const out: { from: string; method: string; outcome: string; requested: number; done: number }[] = [];
  const close = w.system.recorder.close.bind(w.system.recorder);
  w.system.recorder.close = (span: Span, outcome, now) => {
    if (span.outcome === "open") {
      out.push({
        from: span.from,
        method: span.method,
        outcome,
        requested: span.requested / 1e9,
        done: now / 1e9,
      });
    }
    close(span, outcome, now);
  };
  return out;
}

const proc = (w: World, id: string) => w.system.processes.find((p) => p.id === id)!;

describe("restarting an oslo.messaging process (`restart` incident)", () => {
  it("its pending call dies with it (failed at the restart, not a MessagingTimeout 60 s later); the new incarnation calls again", () => {
    const w = world([
      service("conductor", { methods: { object_action: method("const(30s)") } }),
      service("compute", { periodic: [periodic("100s", "call conductor.object_action")] }),
    ]);
    const closed = closes(w);
    w.sim.scheduleAt(seconds(5), () => proc(w, "compute").restart());
    w.sim.run({ until: seconds(90) });
    expect(closed.map((c) => [c.outcome, c.requested, c.done])).toEqual([
      ["failed", 0, 5], // the first incarnation's call
      ["ok", 5, 35], // the new incarnation's first periodic run, at once; 30 s of service
    ]);
    const m = w.system.finish().methods["conductor.object_action"]!;
    expect([m.requests, m.ok, m.failed, m.timeouts]).toEqual([2, 1, 1, 0]);
  });

  it("the methods a server was running end with it: a cast closes failed, its executor threads are free again", () => {
    const w = world(
      [service("conductor", { methods: { build: method("const(30s)") } })],
      [workload("b", "api", 1, "cast conductor.build", { stop: seconds(3) })],
    );
    const closed = closes(w);
    const load = w.system.loads.get("conductor")!;
    w.sim.scheduleAt(seconds(5), () => {
      expect(load.busy).toBe(3); // casts at 1 ms, 1 s and 2 s, each holding a thread for 30 s
      proc(w, "conductor").restart();
      expect(load.busy).toBe(0);
    });
    w.sim.run({ until: seconds(60) });
    expect(closed.map((c) => [c.method, c.outcome, c.done])).toEqual([
      ["build", "failed", 5],
      ["build", "failed", 5],
      ["build", "failed", 5],
    ]);
    expect(load.busy).toBe(0);
  });

  it("the new incarnation has new reply and fanout queues; the old ones stay behind until x-expires removes them", () => {
    const w = world([
      service("conductor", { methods: { object_action: method("const(1ms)") } }),
      service("compute", { periodic: [periodic("10s", "call conductor.object_action")] }),
    ]);
    w.sim.scheduleAt(seconds(5), () => proc(w, "compute").restart());
    w.sim.run({ until: seconds(30) });
    const queues = w.broker.vhost("/").queues;
    for (const q of [
      "reply_compute",
      "reply_compute.r1",
      "compute_fanout_compute",
      "compute_fanout_compute.r1",
    ]) {
      expect(queues.has(q), q).toBe(true);
    }
    const p = proc(w, "compute");
    expect(p.replyQueuesDeclared).toEqual(["reply_compute", "reply_compute.r1"]);
    expect(p.fanoutQueuesDeclared).toEqual(["compute_fanout_compute", "compute_fanout_compute.r1"]);
    expect(p.incarnation).toBe(1);
  });

  it("a fixed-interval timer starts again at the restart and keeps its interval from there", () => {
    const w = world([
      service("conductor", { methods: { object_action: method("const(1ms)") } }),
      service("compute", { periodic: [periodic("10s", "call conductor.object_action", "fixed")] }),
    ]);
    const closed = closes(w);
    w.sim.scheduleAt(seconds(33.3), () => proc(w, "compute").restart());
    w.sim.run({ until: seconds(75) });
    const after = closed.filter((c) => c.requested >= 33.3).map((c) => Math.round(c.requested * 1e6) / 1e6);
    expect(after).toEqual([33.3, 43.3, 53.3, 63.3, 73.3]);
    // before the restart: one run per 10 s at the first incarnation's own phase, none after it
    const before = closed.filter((c) => c.requested < 33.3);
    expect(before.length).toBe(closed.length - after.length);
    expect(before.length).toBeGreaterThanOrEqual(3);
  });
});
