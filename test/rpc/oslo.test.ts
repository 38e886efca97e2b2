import { describe, expect, it } from "vitest";
import { RandomStreams } from "../../src/engine/random.js";
import { seconds } from "../../src/engine/time.js";
import { reconnectDelay } from "../../src/rpc/backoff.js";
import { OSLO_DEFAULTS, osloOptions } from "../../src/rpc/options.js";
import type { Span } from "../../src/rpc/span.js";
import { formatStep, parseStep } from "../../src/rpc/step.js";
import { method, periodic, service, type World, workload, world } from "./helpers.js";

describe("oslo.messaging server and driver behaviour", () => {
  it("a reply to a missing reply queue is retried every 0.25 s for 60 s, then abandoned; the caller times out", () => {
    const w = world(
      [service("conductor", { methods: { object_action: method("const(2s)") } })],
      [workload("save", "compute-1", 1, "call conductor.object_action", { stop: seconds(0.5) })],
      { responseTimeout: seconds(90) },
    );
    // While the server works, the caller's reply consumer is lost without a cancel notification
    // reaching the driver, then the consumer-less queue goes (what x-expires does to it).
    const admin = w.broker.connect({ name: "admin" }).createChannel();
    w.sim.run({ until: seconds(0.5) });
    w.system.processesOf("compute-1")[0]!.loseReplyConsumer();
    w.sim.run({ until: seconds(1) });
    admin.deleteQueue("reply_compute-1");
    w.sim.run({ until: seconds(120) });
    const r = w.system.finish();
    const m = r.methods["conductor.object_action"]!;
    expect(m.timeouts).toBe(1);
    // 60 s / 0.25 s = 240 retries after the first attempt.
    expect(m.replyRetries).toBe(240);
    expect(r.processes.repliesAbandoned).toBe(1);
    expect(w.broker.finish().total.returned).toBe(241);
  });

  it("a reply queue deleted under a live consumer is redeclared: the cancel notification makes oslo reconnect", () => {
    const w = world(
      [service("conductor", { methods: { object_action: method("const(2s)") } })],
      [workload("save", "compute-1", 1, "call conductor.object_action", { stop: seconds(0.5) })],
      { responseTimeout: seconds(90) },
    );
    const admin = w.broker.connect({ name: "admin" }).createChannel();
    w.sim.run({ until: seconds(1) });
    admin.deleteQueue("reply_compute-1");
    w.sim.run({ until: seconds(120) });
    const m = w.system.finish().methods["conductor.object_action"]!;
    // Reconnect after kombu_reconnect_delay + 1 s = 2 s: the 2 s method's reply bounces until then.
    expect(m.ok).toBe(1);
    expect(m.replyRetries).toBeGreaterThan(0);
    expect(m.replyRetries).toBeLessThanOrEqual(8);
  });

  it("a fanout cast reaches one copy per server process, each in its own <topic>_fanout_<id> queue", () => {
    const w = world(
      [service("scheduler", { processes: 3, methods: { update_instance_info: method("const(1ms)") } })],
      [workload("tell", "compute-1", 1, "fanout scheduler.update_instance_info", { stop: seconds(0.5) })],
    );
    w.sim.run({ until: seconds(5) });
    const fates = w.broker.finish();
    expect(fates.queues.get("scheduler_fanout_scheduler:1")?.acked).toBe(1);
    expect(fates.queues.get("scheduler_fanout_scheduler:2")?.acked).toBe(1);
    expect(fates.queues.get("scheduler_fanout_scheduler:3")?.acked).toBe(1);
    expect(fates.total.acked).toBe(3);
  });

  it("topic queues are shared and round-robin between a topic's processes; <topic>.<host> reaches that host", () => {
    const w = world(
      [
        service("compute", { hosts: 3, methods: { build: method("const(1ms)") } }),
        service("conductor", { methods: { go: method("const(1ms)", "cast compute.compute-2.build x4") } }),
      ],
      [workload("w", "api", 1, "cast conductor.go", { stop: seconds(0.5) })],
    );
    w.sim.run({ until: seconds(5) });
    const fates = w.broker.finish();
    expect(fates.queues.get("compute.compute-2")?.acked).toBe(4);
    expect(fates.queues.get("compute.compute-1")).toBeUndefined();
  });

  /** Request times (s) from the recorder's opened spans, per calling process (or per `by`). */
  function requestTimes(w: World, by: (span: Span) => string = (span) => span.from): Map<string, number[]> {
    const times = new Map<string, number[]>();
    const open = w.system.recorder.open.bind(w.system.recorder);
    w.system.recorder.open = (span) => {
      const list = times.get(by(span)) ?? [];
      list.push(span.requested / 1e9);
      times.set(by(span), list);
      open(span);
    };
    return times;
  }
  const gaps = (t: number[]): number[] => t.slice(1).map((x, i) => Math.round((x - t[i]!) * 1e6) / 1e6);

  it("periodic tasks: the loop sleeps after each pass, so a 10 s task whose call takes 0.5 s (the reply poll) runs every 10.5 s; under 20 s there is no jitter", () => {
    const w = world([
      service("conductor", { methods: { object_action: method("const(1ms)") } }),
      service("compute", { periodic: [periodic("10s", "call conductor.object_action")] }),
    ]);
    const times = requestTimes(w);
    w.sim.run({ until: seconds(200) });
    const t = [...times.values()][0]!;
    expect(t.length).toBeGreaterThanOrEqual(18);
    for (const g of gaps(t)) expect(g).toBe(10.5);
  });

  it("periodic tasks at 60 s: whole-second jitter int(60 * U / 20) in 0-2 s, and the pass's own 0.5 s; the first run within the fuzzy delay", () => {
    const w = world([
      service("conductor", { methods: { object_action: method("const(1ms)") } }),
      service("compute", {
        hosts: 4,
        periodicFuzzyDelay: seconds(30),
        periodic: [periodic("60s", "call conductor.object_action")],
      }),
    ]);
    const times = requestTimes(w);
    w.sim.run({ until: seconds(3600) });
    expect(times.size).toBe(4);
    const all: number[] = [];
    for (const t of times.values()) {
      expect(t[0]).toBeLessThan(30);
      all.push(...gaps(t));
    }
    // With mark m (grid point + jitter j) and the run starting o s past its grid point, the check
    // 60.5 s after the last start finds the task due (gap 60.5) unless j > o + 0.5, when it waits
    // for m + 60 (gap 60 + j - o): so 60.5, 61, 61.5 or 62 s, never 60.
    expect([...new Set(all)].sort()).toEqual([60.5, 61, 61.5, 62]);
    expect(all.filter((g) => g > 60.5).length).toBeGreaterThan(all.length / 5); // the jitter shows
  });

  it("periodic tasks run one after the other: a slow one delays the next; a run that overruns its interval sleeps the interval after it", () => {
    const w = world([
      service("conductor", {
        methods: { slow: method("const(25s)"), quick: method("const(1ms)") },
      }),
      service("compute", {
        periodic: [periodic("10s", "call conductor.slow"), periodic("10s", "call conductor.quick")],
      }),
    ]);
    const at = requestTimes(w, (span) => span.method);
    w.sim.run({ until: seconds(120) });
    // pass 1 at 0: slow (25 s, its reply on a 0.5 s poll tick), then quick (0.5 s); sleep 10 s
    expect(at.get("slow")!.slice(0, 3)).toEqual([0, 35.5, 71]);
    expect(at.get("quick")!.slice(0, 3)).toEqual([25, 60.5, 96]);
  });

  it("a fixed-interval timer (report_state) runs exactly every interval with no jitter, from a random phase per host", () => {
    const w = world([
      service("conductor", { methods: { object_action: method("const(1ms)") } }),
      service("compute", {
        hosts: 20,
        periodicFuzzyDelay: seconds(60),
        periodic: [periodic("10s", "call conductor.object_action", "fixed")],
      }),
    ]);
    const times = requestTimes(w);
    w.sim.run({ until: seconds(600) });
    expect(times.size).toBe(20);
    const phases: number[] = [];
    for (const t of times.values()) {
      for (const g of gaps(t)) expect(g).toBe(10);
      expect(t[0]).toBeLessThan(10); // the phase, not the fuzzy delay
      phases.push(t[0]!);
    }
    // twenty hosts spread over the interval, not in step
    expect(Math.max(...phases) - Math.min(...phases)).toBeGreaterThan(5);
  });

  it("call-monitor heartbeats keep a long call alive past call_monitor_timeout", () => {
    const w = world(
      [service("scheduler", { methods: { select_destinations: method("const(150s)") } })],
      [
        workload("ok", "conductor-a", 1, "call scheduler.select_destinations timeout=1800s monitor=60s", {
          stop: seconds(0.5),
        }),
      ],
    );
    w.sim.run({ until: seconds(200) });
    const m = w.system.finish().methods["scheduler.select_destinations"]!;
    expect(m.ok).toBe(1);
    // A heartbeat every 30 s while the 150 s method runs: at 30, 60, 90, 120 s (and 150 s is the end).
    expect(m.heartbeats).toBe(4);
  });

  it("without heartbeats, a call longer than its timeout raises MessagingTimeout and the late reply is dropped", () => {
    const w = world(
      [service("scheduler", { methods: { select_destinations: method("const(150s)") } })],
      [workload("slow", "conductor-a", 1, "call scheduler.select_destinations", { stop: seconds(0.5) })],
    );
    w.sim.run({ until: seconds(200) });
    const r = w.system.finish();
    expect(r.methods["scheduler.select_destinations"]!.timeouts).toBe(1);
    expect(r.processes.lateReplies).toBe(1);
  });

  it("max_concurrent_builds queues builds beyond the limit inside the compute", () => {
    const w = world(
      [service("compute", { methods: { build: { ...method("const(10s)"), maxConcurrent: 2 } } })],
      [workload("boot", "api", 1000, "cast compute.build", { stop: seconds(0.0045) })],
    );
    w.sim.run({ until: seconds(60) });
    const m = w.system.finish().methods["compute.build"]!;
    expect(m.ok).toBe(4);
    expect(m.latency.max).toBeCloseTo(20, 1);
  });

  it("reconnect waits kombu_reconnect_delay + 1, 3, 5 ... s, capped at 30 s", () => {
    const rng = new RandomStreams(1).stream("x");
    const d = [0, 1, 2, 14, 15, 40].map((a) => reconnectDelay(OSLO_DEFAULTS, a, rng) / 1e9);
    expect(d).toEqual([2, 4, 6, 30, 31, 31]);
  });

  it("rabbit_quorum_queue cannot be combined with rabbit_ha_queues", () => {
    expect(() => osloOptions({ quorumQueues: true, haQueues: true })).toThrow(/cannot be combined/);
  });

  it("steps parse from scenario text and print back", () => {
    const s = parseStep("call scheduler.select_destinations timeout=1800s monitor=60s");
    expect(s).toMatchObject({ kind: "call", service: "scheduler", method: "select_destinations", repeat: 1 });
    expect(s.timeout).toBe(seconds(1800));
    expect(s.callMonitorTimeout).toBe(seconds(60));
    expect(formatStep(parseStep("cast compute.{host}.build_and_run_instance"))).toBe(
      "cast compute.{host}.build_and_run_instance",
    );
    expect(parseStep("call conductor.object_action x6").repeat).toBe(6);
    expect(() => parseStep("fanout scheduler.h1.update")).toThrow(/cannot name a server/);
    expect(() => parseStep("cast conductor.go timeout=1s")).toThrow(/only a call/);
    expect(() => parseStep("send a.b")).toThrow(/must start with one of/);
  });
  it("before Train a reply goes through a direct exchange named like the reply queue", () => {
    const w = world(
      [service("conductor", { methods: { object_action: method("const(10ms)") } })],
      [workload("save", "compute-1", 1, "call conductor.object_action", { stop: seconds(0.5) })],
      { replyExchanges: true },
    );
    w.sim.run({ until: seconds(5) });
    expect(w.system.finish().methods["conductor.object_action"]!.ok).toBe(1);
    expect(w.broker.vhost("/").exchanges.get("reply_compute-1")?.type).toBe("direct");
  });

  it("a notification publisher declares <topic>.<priority>, so unconsumed notifications pile up there", () => {
    const w = world(
      [],
      [workload("n", "nova-api", 10, "notify versioned_notifications.info", { stop: seconds(1) })],
    );
    w.sim.run({ until: seconds(5) });
    const fates = w.broker.finish();
    expect(fates.queues.get("versioned_notifications.info")?.queued).toBe(10);
  });
});
