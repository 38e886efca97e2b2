import { describe, expect, it } from "vitest";
import { Broker } from "../../src/amqp/broker.js";
import type { Delivery } from "../../src/amqp/channel.js";
import { NodeFailureHandler } from "../../src/amqp/replicated/node-failure.js";
import { ClusterRuntime, clusterConfig } from "../../src/cluster/index.js";
import { RandomStreams } from "../../src/engine/random.js";
import { Simulator } from "../../src/engine/simulator.js";
import { NS_PER_MS, NS_PER_S } from "../../src/engine/time.js";

function setup() {
  const sim = new Simulator();
  const rt = new ClusterRuntime(sim, new RandomStreams(1), clusterConfig(["a", "b", "c"]));
  const broker = new Broker(sim, { runtime: rt, version: "3.13" });
  const handler = new NodeFailureHandler(broker, rt);
  const markers: string[] = [];
  broker.signals.marker.subscribe((m) => markers.push(`${m.kind}@${m.time / NS_PER_S}`));
  broker
    .connect({ name: "admin", node: "a" })
    .createChannel()
    .assertQueue("orders", {
      durable: true,
      arguments: { "x-queue-type": "quorum" },
    });
  return { sim, rt, broker, handler, markers };
}

describe("quorum queue leader failover", () => {
  it("a leader crash loses no message: a follower is elected after the election timeout and the consumers on other nodes get the dead consumer's unacked messages, redelivered", () => {
    const { sim, rt, broker, handler, markers } = setup();
    sim.run({ until: 10 * NS_PER_MS });
    expect(handler.quorum.replicas(broker.vhost("/").queues.get("orders")!)).toEqual(["a", "b", "c"]);
    // consumer x on a (never acks: it dies with a), consumer y on b acks everything
    const x = broker.connect({ name: "x", node: "a" }).createChannel();
    x.prefetch(1);
    x.consume("orders", () => {});
    const y = broker.connect({ name: "y", node: "b" }).createChannel();
    y.prefetch(1);
    const seenByY: { id: number; redelivered: boolean; at: number }[] = [];
    y.consume("orders", (d: Delivery | null) => {
      if (!d) return;
      seenByY.push({ id: d.msgId, redelivered: d.fields.redelivered, at: sim.now });
      y.ack(d);
    });
    const p = broker.connect({ name: "p", node: "c" }).createChannel();
    p.confirmSelect();
    sim.run({ until: 20 * NS_PER_MS });
    for (let i = 0; i < 5; i++) p.sendToQueue("orders", { bytes: 100 });
    sim.run({ until: NS_PER_S });
    const beforeCrash = seenByY.length;
    expect(beforeCrash).toBe(4); // x holds one unacked
    rt.crash("a");
    sim.run({ until: 10 * NS_PER_S });
    expect(markers).toEqual(["leader-elected@3"]); // crash at 1 s + 2 s election
    expect(seenByY.length).toBe(5);
    const last = seenByY[4]!;
    expect(last.redelivered).toBe(true);
    expect(last.at).toBeGreaterThan(3 * NS_PER_S);
    const f = broker.finish();
    expect(f.total.lost).toBe(0);
    expect(f.total.acked).toBe(5);
  });

  it("a publish during the election waits and is confirmed once the new leader has it", () => {
    const { sim, rt, broker } = setup();
    const p = broker.connect({ name: "p", node: "c" }).createChannel();
    p.confirmSelect();
    sim.run({ until: 10 * NS_PER_MS });
    rt.crash("a"); // election at 2.01 s
    sim.run({ until: 1.5 * NS_PER_S });
    let confirmedAt = -1;
    p.sendToQueue("orders", { bytes: 100 }, {}, (err) => {
      if (err === null) confirmedAt = sim.now;
    });
    sim.run({ until: 10 * NS_PER_S });
    expect(confirmedAt).toBeGreaterThan(2.01 * NS_PER_S);
    expect(confirmedAt).toBeLessThan(2.1 * NS_PER_S);
  });

  it("with two of three replicas down there is no majority: the queue stays leaderless until one returns", () => {
    const { sim, rt, markers } = setup();
    sim.run({ until: 10 * NS_PER_MS });
    rt.crash("b");
    rt.crash("a");
    sim.run({ until: 10 * NS_PER_S });
    expect(markers).toEqual([]);
    rt.start("b");
    sim.run({ until: 20 * NS_PER_S });
    expect(markers).toEqual(["leader-elected@12"]);
  });
});

describe("quorum queue and partitions", () => {
  it("a leader cut off from its followers steps down; the majority side elects a leader and keeps serving its clients", () => {
    const { sim, rt, broker, handler, markers } = setup();
    sim.run({ until: 10 * NS_PER_MS });
    const q = broker.vhost("/").queues.get("orders")!;
    const got: number[] = [];
    const y = broker.connect({ name: "y", node: "b" }).createChannel();
    y.consume("orders", (d: Delivery | null) => {
      if (!d) return;
      got.push(sim.now);
      y.ack(d);
    });
    const p = broker.connect({ name: "p", node: "c" }).createChannel();
    sim.run({ until: 20 * NS_PER_MS });
    rt.partitionNetwork([["a"], ["b", "c"]]);
    expect(handler.quorum.leaderOf(q)).toBe("a");
    sim.run({ until: 3 * NS_PER_S });
    expect(handler.quorum.leaderOf(q)).toBe("b");
    expect(markers).toEqual(["leader-elected@2.02"]);
    p.sendToQueue("orders", { bytes: 100 });
    sim.run({ until: 4 * NS_PER_S });
    expect(got).toHaveLength(1); // served on the majority side during the partition
    expect(broker.finish().total.lost).toBe(0);
  });
});
