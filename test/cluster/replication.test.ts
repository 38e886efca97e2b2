import { describe, expect, it } from "vitest";
import { Broker } from "../../src/amqp/broker.js";
import type { HaPolicy } from "../../src/amqp/replicated/mirrored.js";
import { NodeFailureHandler } from "../../src/amqp/replicated/node-failure.js";
import { ClusterRuntime, clusterConfig, constantDelay } from "../../src/cluster/index.js";
import { RandomStreams } from "../../src/engine/random.js";
import { Simulator } from "../../src/engine/simulator.js";
import { NS_PER_MS, NS_PER_S } from "../../src/engine/time.js";

const ALL: HaPolicy = { mode: "all", syncMode: "manual" };

/** A 3-node cluster; queue "q" led from a (quorum, or classic mirrored on every node). */
function setup(kind: "quorum" | "mirrored", netTicktime = 60 * NS_PER_S) {
  const sim = new Simulator();
  const rt = new ClusterRuntime(sim, new RandomStreams(1), clusterConfig(["a", "b", "c"], { netTicktime }));
  const broker = new Broker(sim, { runtime: rt, version: "3.13" });
  const handler = new NodeFailureHandler(broker, rt, (q) =>
    kind === "mirrored" && q.name === "q" ? ALL : undefined,
  );
  broker
    .connect({ name: "admin", node: "a" })
    .createChannel()
    .assertQueue("q", { durable: true, arguments: kind === "quorum" ? { "x-queue-type": "quorum" } : {} });
  const p = broker.connect({ name: "p", node: "a" }).createChannel();
  p.confirmSelect();
  sim.run({ until: 10 * NS_PER_MS });
  /** Publish one transient message now; returns a getter of its confirm latency (ns, -1 = none). */
  const publish = () => {
    const at = sim.now;
    let latency = -1;
    p.sendToQueue("q", { bytes: 1000 }, {}, (err) => {
      if (err === null) latency = sim.now - at;
    });
    return () => latency;
  };
  return { sim, rt, broker, handler, publish };
}

const slow = (ms: number) => ({ latency: constantDelay(ms * NS_PER_MS) });

describe("publisher confirms of replicated queues", () => {
  it("a quorum queue confirms once a majority has the copy: one slow follower does not delay it, two do (one round trip on the faster slow link)", () => {
    const one = setup("quorum");
    one.rt.overrideLink("a", "b", slow(100));
    const fast = one.publish();
    one.sim.run({ until: NS_PER_S });
    expect(fast()).toBeGreaterThan(0);
    expect(fast()).toBeLessThan(5 * NS_PER_MS);

    const two = setup("quorum");
    two.rt.overrideLink("a", "b", slow(100));
    two.rt.overrideLink("a", "c", slow(30));
    const late = two.publish();
    two.sim.run({ until: NS_PER_S });
    // leader a + c (60 ms round trip) is a majority; b's 200 ms round trip is not waited for
    expect(late()).toBeGreaterThanOrEqual(60 * NS_PER_MS);
    expect(late()).toBeLessThan(65 * NS_PER_MS);
  });

  it("a classic mirrored queue confirms only once EVERY mirror has the copy: the slowest link sets the confirm latency", () => {
    const m = setup("mirrored");
    m.rt.overrideLink("a", "b", slow(100));
    const got = m.publish();
    m.sim.run({ until: NS_PER_S });
    expect(got()).toBeGreaterThanOrEqual(200 * NS_PER_MS);
    expect(got()).toBeLessThan(205 * NS_PER_MS);
  });

  it("replication costs `replicate` CPU on each follower node, per copy, and nothing on a node that is not a replica", () => {
    const { sim, rt, publish, broker } = setup("quorum");
    const before = { b: rt.cpuTime("b"), c: rt.cpuTime("c") };
    for (let i = 0; i < 10; i++) publish();
    sim.run({ until: NS_PER_S });
    const perCopy = rt.config.costs.replicate + rt.config.costs.perByte * 1000;
    expect(rt.cpuTime("b") - before.b).toBe(10 * perCopy);
    expect(rt.cpuTime("c") - before.c).toBe(10 * perCopy);
    // a classic, non-mirrored queue replicates nothing
    broker.connect({ name: "x", node: "a" }).createChannel().assertQueue("plain");
    sim.run({ until: 2 * NS_PER_S });
    const b0 = rt.cpuTime("b");
    const p2 = broker.connect({ name: "p2", node: "a" }).createChannel();
    for (let i = 0; i < 10; i++) p2.sendToQueue("plain", { bytes: 1000 });
    sim.run({ until: 3 * NS_PER_S });
    expect(rt.cpuTime("b")).toBe(b0);
  });

  it("a partition cutting the leader from the only other up replica holds the mirrored confirm until it heals; a mirror that goes down stops being waited for", () => {
    const m = setup("mirrored");
    m.rt.partitionNetwork([["a", "c"], ["b"]]);
    const held = m.publish();
    m.sim.run({ until: NS_PER_S });
    expect(held()).toBe(-1);
    expect(m.handler.replication.waiting).toBe(1);
    m.rt.heal();
    m.sim.run({ until: 2 * NS_PER_S });
    expect(held()).toBeGreaterThan(NS_PER_S - 10 * NS_PER_MS); // sent at 10 ms, healed at 1 s

    const d = setup("mirrored");
    d.rt.partitionNetwork([["a", "c"], ["b"]]);
    const waits = d.publish();
    d.sim.run({ until: 0.5 * NS_PER_S });
    expect(waits()).toBe(-1);
    d.rt.crash("b");
    d.sim.run({ until: NS_PER_S });
    expect(waits()).toBeGreaterThan(0);
    expect(d.handler.replication.waiting).toBe(0);
  });

  it("under `ignore`, once the partition is noticed (net_ticktime) the leader stops waiting for mirrors on the other side", () => {
    const m = setup("mirrored", 5 * NS_PER_S);
    m.rt.partitionNetwork([["a", "c"], ["b"]]);
    const got = m.publish(); // at 10 ms; noticed at 5.01 s
    m.sim.run({ until: 10 * NS_PER_S });
    expect(got()).toBeGreaterThanOrEqual(5 * NS_PER_S - 10 * NS_PER_MS);
    expect(got()).toBeLessThan(5.01 * NS_PER_S);
  });

  it("a quorum queue with both followers down cannot commit: confirms wait until one follower returns and catches up", () => {
    const { sim, rt, publish, handler } = setup("quorum");
    rt.crash("b");
    rt.crash("c");
    const got = Array.from({ length: 5 }, () => publish());
    sim.run({ until: NS_PER_S });
    expect(got.map((g) => g())).toEqual([-1, -1, -1, -1, -1]);
    expect(handler.replication.waiting).toBe(5);
    const c0 = rt.cpuTime("c");
    rt.start("c");
    sim.run({ until: 2 * NS_PER_S });
    const perCopy = rt.config.costs.replicate + rt.config.costs.perByte * 1000;
    expect(rt.cpuTime("c") - c0).toBe(5 * perCopy);
    expect(got.every((g) => g() > NS_PER_S - 10 * NS_PER_MS)).toBe(true);
    expect(handler.replication.waiting).toBe(0);
  });
});

describe("quorum follower catch-up", () => {
  it("a follower back from a crash is sent the messages appended while it was down, also those confirmed without it: n x replicate CPU on its node", () => {
    const run = (crashFollower: boolean) => {
      const { sim, rt, publish } = setup("quorum");
      if (crashFollower) rt.crash("c");
      sim.run({ until: 20 * NS_PER_MS });
      const confirms = Array.from({ length: 40 }, () => publish());
      sim.run({ until: 500 * NS_PER_MS });
      // a and b are a majority: all 40 were confirmed while c was down
      expect(confirms.every((got) => got() > 0)).toBe(true);
      const before = rt.cpuTime("c");
      if (crashFollower) rt.start("c");
      sim.run({ until: 2 * NS_PER_S });
      return rt.cpuTime("c") - before;
    };
    const costs = setup("quorum").rt.config.costs;
    const perCopy = costs.replicate + costs.perByte * 1000;
    // c was up all along: it got its copies before, nothing after
    expect(run(false)).toBe(0);
    // c was down: the 40 copies still in the queue reach it when it is back
    expect(run(true)).toBe(40 * perCopy);
  });
});
