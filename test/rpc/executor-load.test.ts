import { describe, expect, it } from "vitest";
import { milliseconds, seconds } from "../../src/engine/time.js";
import { Executor } from "../../src/rpc/executor.js";
import { ServiceLoad } from "../../src/rpc/executor-load.js";
import { method, service, workload, world } from "./helpers.js";

describe("executor-thread load per service", () => {
  it("utilisation is time-weighted busy threads / threads per bin, the last bin partial", () => {
    const clock = { now: 0 };
    const load = new ServiceLoad(clock, seconds(1));
    const ex = new Executor(2, load);
    // one thread busy from 0.5 s to 1.5 s, a second from 1.0 s to 2.5 s; the run ends at 2.5 s
    clock.now = milliseconds(500);
    ex.submit(() => {});
    clock.now = seconds(1);
    ex.submit(() => {});
    clock.now = milliseconds(1500);
    ex.release();
    clock.now = milliseconds(2500);
    ex.release();
    const f = load.finish(milliseconds(2500));
    expect(load.threads).toBe(2);
    expect(f.utilisation).toEqual([0.25, 0.75, 0.5]);
    // 2.5 thread·s busy of 2 threads × 2.5 s
    expect(f.meanUtilisation).toBeCloseTo(0.5, 12);
  });

  it("requests beyond the threads wait in the backlog: mean per bin, largest per bin, and the largest overall", () => {
    const clock = { now: 0 };
    const load = new ServiceLoad(clock, seconds(1));
    const ex = new Executor(1, load);
    ex.submit(() => {});
    ex.submit(() => {}); // waits
    clock.now = milliseconds(200);
    ex.submit(() => {}); // waits: 2 waiting until 0.6 s
    clock.now = milliseconds(600);
    ex.release(); // the thread takes the next: 1 waiting, still 1 busy
    clock.now = seconds(1);
    const f = load.finish(seconds(2));
    // backlog 1 for 0.2 s, 2 for 0.4 s, 1 for 0.4 s (then on through the second bin)
    expect(f.backlog[0]).toBeCloseTo(0.2 + 0.8 + 0.4, 12);
    expect(f.backlogMax).toEqual([2, 1]);
    expect(f.backlog[1]).toBe(1);
    expect(f.utilisation).toEqual([1, 1]);
    expect(load.maxWaiting).toBe(2);
  });

  it("a saturated service (2 threads, 3 s per request, 1 request/s) runs its threads full and its backlog grows", () => {
    const w = world(
      [service("conductor", { hosts: 2, executorThreads: 1, methods: { build: method("const(3s)") } })],
      [workload("b", "nova-api", 1, "cast conductor.build", { stop: seconds(20) })],
    );
    w.sim.run({ until: seconds(20) });
    const ex = w.system.finish().executors!;
    const c = ex.services.conductor!;
    expect(ex.binWidth).toBe(1);
    expect(c.processes).toBe(2);
    expect(c.threads).toBe(2);
    expect(c.timeline.utilisation).toHaveLength(20);
    // from the second arrival on, both threads are always busy
    expect(c.timeline.utilisation.slice(2).every((u) => u === 1)).toBe(true);
    // 2/3 request/s served against 1/s arriving: the backlog grows by about 1/3 per second
    expect(c.timeline.backlog[18]!).toBeGreaterThan(c.timeline.backlog[9]!);
    expect(c.maxBacklog).toBeGreaterThanOrEqual(5);
    expect(c.utilisation).toBeGreaterThan(0.9);
  });

  it("executor load is per service, all hosts together; client-only processes have none", () => {
    const w = world(
      [
        service("conductor", { methods: { object_action: method("const(10ms)") } }),
        service("compute", { hosts: 5, executorThreads: 8, methods: { build: method("const(1s)") } }),
      ],
      [workload("boot", "nova-api", 2, "cast compute.build", { stop: seconds(5) })],
    );
    w.sim.run({ until: seconds(10) });
    const ex = w.system.finish().executors!;
    expect(Object.keys(ex.services)).toEqual(["compute", "conductor"]);
    expect(ex.services.compute!.threads).toBe(40);
    expect(ex.services.compute!.processes).toBe(5);
    // ~2 builds of 1 s at a time on 40 threads
    expect(ex.services.compute!.utilisation).toBeGreaterThan(0);
    expect(ex.services.compute!.utilisation).toBeLessThan(0.1);
    expect(ex.services.conductor!.utilisation).toBe(0);
  });
});

describe("RPC topology by role", () => {
  it("folds a service's queues into topic, <topic>.<host>, fanout and reply families with their deliveries", () => {
    const w = world(
      [
        service("conductor", { methods: { object_action: method("const(1ms)") } }),
        service("compute", {
          hosts: 4,
          methods: { build: method("const(10ms)", "call conductor.object_action") },
        }),
      ],
      [
        workload("boot", "nova-api", 10, "cast compute.{host}.build", { stop: seconds(1) }),
        workload("sync", "nova-api", 1, "fanout compute.build", { stop: seconds(1) }),
      ],
    );
    w.sim.run({ until: seconds(5) });
    const r = w.system.finish();
    const roles = new Map(r.topology!.roles.map((x) => [x.name, x]));
    expect([...roles.keys()]).toEqual(["conductor", "compute", "nova-api"]);
    const compute = roles.get("compute")!;
    const fam = new Map(compute.consumes.map((f) => [f.kind, f]));
    expect(fam.get("server")!.label).toBe("compute.<host>");
    expect(fam.get("server")!.queues).toEqual([1, 2, 3, 4].map((i) => `compute.compute-${i}`));
    // ten casts to a drawn host (the method's eleventh request is the fanout)
    expect(fam.get("server")!.delivered).toBe(10);
    expect(r.methods["compute.build"]!.requests).toBe(11);
    expect(fam.get("topic")!.delivered).toBe(0);
    // one fanout copy per compute process
    expect(fam.get("fanout")!.exchange).toBe("compute_fanout");
    expect(fam.get("fanout")!.delivered).toBe(4);
    // compute calls conductor, so it has reply queues; conductor never calls and has none
    expect(fam.get("reply")!.label).toBe("reply_<compute id>");
    expect(fam.get("reply")!.delivered).toBe(r.methods["conductor.object_action"]!.ok);
    expect(roles.get("conductor")!.consumes.map((f) => f.kind)).toEqual(["topic", "server", "fanout"]);
    expect(roles.get("conductor")!.consumes[0]!.delivered).toBe(
      r.methods["conductor.object_action"]!.requests,
    );
    // nova-api only casts: it publishes to the control and fanout exchanges and consumes nothing
    expect(roles.get("nova-api")!.consumes).toEqual([]);
    expect(roles.get("nova-api")!.published).toEqual({ compute_fanout: 1, nova: 10 });
    expect(roles.get("conductor")!.published).toEqual({ "": r.methods["conductor.object_action"]!.ok });
  });
});
