import { describe, expect, it } from "vitest";
import { seconds } from "../../src/engine/time.js";
import { method, service, workload, world } from "./helpers.js";

describe("oslo.messaging call over the AMQP model", () => {
  it("a call returns after the service time, rounded up to the 0.5 s reply poll quantum", () => {
    const w = world(
      [service("conductor", { methods: { object_action: method("const(200ms)") } })],
      [workload("save", "nova-compute", 1, "call conductor.object_action", { stop: seconds(3) })],
    );
    w.sim.run({ until: seconds(10) });
    const r = w.system.finish();
    const m = r.methods["conductor.object_action"]!;
    expect(m.requests).toBe(3);
    expect(m.ok).toBe(3);
    expect(m.timeouts).toBe(0);
    // 200 ms of service, picked up at the first 0.5 s poll.
    expect(m.latency.p50).toBeCloseTo(0.5, 6);
    expect(m.service).toBeCloseTo(0.2, 6);
    w.broker.checkFateInvariant();
  });

  it("with polling off, call latency equals the service time on a free broker", () => {
    const w = world(
      [service("conductor", { methods: { object_action: method("const(200ms)") } })],
      [workload("save", "nova-compute", 1, "call conductor.object_action", { stop: seconds(1) })],
      { replyPollInterval: 0 },
    );
    w.sim.run({ until: seconds(5) });
    const m = w.system.finish().methods["conductor.object_action"]!;
    expect(m.ok).toBe(1);
    expect(m.latency.max).toBeCloseTo(0.2, 6);
  });

  it("a call to a method the server does not have fails at once (NoSuchMethod travels back as a failure)", () => {
    const w = world(
      [service("conductor", { processes: 1, methods: {} })],
      [workload("ask", "nova-api", 1, "call conductor.object_action", { stop: seconds(1) })],
      { responseTimeout: seconds(5) },
    );
    w.sim.run({ until: seconds(20) });
    const m = w.system.finish().methods["conductor.object_action"]!;
    // An unknown method: the server replies with a failure (NoSuchMethod), no timeout.
    expect(m.failed).toBe(1);
    expect(m.timeouts).toBe(0);
  });

  it("a call to a server nobody listens on is unroutable and raises MessagingTimeout after rpc_response_timeout", () => {
    const w = world(
      [service("conductor", { methods: { object_action: method("const(1ms)") } })],
      [workload("ask", "nova-api", 1, "call conductor.ghost.object_action", { stop: seconds(1) })],
      { responseTimeout: seconds(5) },
    );
    w.sim.run({ until: seconds(20) });
    const r = w.system.finish();
    const m = r.methods["conductor.object_action"]!;
    expect(m.timeouts).toBe(1);
    expect(m.latency.max).toBeCloseTo(5, 3);
    expect(r.timeline.timeouts[5]).toBe(1);
    expect(w.broker.finish().total["unroutable-dropped"]).toBe(1);
  });

  it("the request carries expiration = timeout, so a request nobody consumes expires in its queue", () => {
    const w = world(
      [],
      [workload("ask", "nova-api", 1, "call scheduler.select_destinations", { stop: seconds(1) })],
      {
        responseTimeout: seconds(5),
      },
    );
    const ch = w.broker.connect({ name: "admin" }).createChannel();
    ch.assertExchange("nova", "topic", { durable: false });
    ch.assertQueue("scheduler", { durable: false });
    ch.bindQueue("scheduler", "nova", "scheduler");
    w.sim.run({ until: seconds(20) });
    // TTL is enforced when the message reaches the head; poke the queue with a basic.get.
    ch.get("scheduler", {});
    w.sim.run({ until: seconds(21) });
    const r = w.system.finish();
    expect(r.methods["scheduler.select_destinations"]!.timeouts).toBe(1);
    expect(w.broker.finish().total.expired).toBe(1);
  });

  it("the server acks before dispatch, so even prefetch 1 lets the backlog move into the executor", () => {
    const w = world(
      [service("conductor", { executorThreads: 1, methods: { slow: method("const(10s)") } })],
      [workload("ask", "nova-api", 10, "call conductor.slow", { stop: seconds(0.3) })],
      { responseTimeout: seconds(5), prefetch: 1 },
    );
    w.sim.run({ until: seconds(60) });
    const r = w.system.finish();
    expect(r.methods["conductor.slow"]!.timeouts).toBe(3);
    expect(r.processes.maxBacklog.conductor).toBe(2);
    // Three requests and three late replies ("No calling threads waiting for msg_id"), all acked.
    expect(r.processes.lateReplies).toBe(3);
    expect(w.broker.finish().total.acked).toBe(6);
  });

  it("with prefetch 0 the backlog sits in the executor (unbounded), not in the broker queue", () => {
    const w = world(
      [service("conductor", { executorThreads: 2, methods: { work: method("const(1s)") } })],
      [workload("ask", "nova-api", 1000, "call conductor.work", { stop: seconds(0.0045) })],
      { replyPollInterval: 0 },
    );
    w.sim.run({ until: seconds(10) });
    const r = w.system.finish();
    const m = r.methods["conductor.work"]!;
    expect(m.ok).toBe(4);
    // Two start at once, two wait a full service time for a thread: mean executor wait 0.5 s.
    expect(m.executorWait).toBeCloseTo(0.5, 2);
    expect(m.latency.max).toBeCloseTo(2, 2);
    expect(r.processes.maxBacklog.conductor).toBe(2);
  });
});
