import { describe, expect, it } from "vitest";
import { Broker } from "../../src/amqp/broker.js";
import type { Delivery } from "../../src/amqp/index.js";
import { NodeFailureHandler } from "../../src/amqp/replicated/node-failure.js";
import type { FateSignal } from "../../src/amqp/signals.js";
import {
  ClusterRuntime,
  clusterConfig,
  constantDelay,
  DEFAULT_LINK,
  ZERO_COSTS,
} from "../../src/cluster/index.js";
import { RandomStreams } from "../../src/engine/random.js";
import { Simulator } from "../../src/engine/simulator.js";
import { NS_PER_MS, NS_PER_S } from "../../src/engine/time.js";

function setup() {
  const sim = new Simulator();
  const rt = new ClusterRuntime(sim, new RandomStreams(1), clusterConfig(["rabbit-1", "rabbit-2"]));
  const broker = new Broker(sim, { runtime: rt, version: "3.13" });
  const handler = new NodeFailureHandler(broker, rt);
  const fates: FateSignal[] = [];
  broker.signals.fate.subscribe((f) => fates.push(f));
  return { sim, rt, broker, handler, fates };
}

describe("a node crash and restart (classic queues)", () => {
  it("transient queue: deleted with its messages (lost, node-crash); durable queue: persistent on-disk messages recovered", () => {
    const { sim, rt, broker, fates } = setup();
    const ch = broker.connect({ name: "app", node: "rabbit-2" }).createChannel();
    ch.assertQueue("transient", { durable: false });
    ch.assertQueue("durable", { durable: true });
    ch.confirmSelect();
    sim.run({ until: 10 * NS_PER_MS });
    for (let i = 0; i < 10; i++) {
      ch.sendToQueue("transient", { bytes: 100 }, { persistent: true });
      ch.sendToQueue("durable", { bytes: 100 }, { persistent: i % 2 === 0 });
    }
    sim.run({ until: 500 * NS_PER_MS }); // long past the 25 ms fsync interval
    rt.crash("rabbit-2");
    const lostAtCrash = fates.filter((f) => f.fate === "lost");
    // 10 in the transient queue (even persistent ones) + 5 transient messages of the durable queue
    expect(lostAtCrash.filter((f) => f.queue === "transient")).toHaveLength(10);
    expect(lostAtCrash.filter((f) => f.queue === "durable")).toHaveLength(5);
    expect(lostAtCrash.every((f) => f.lossCause === "node-crash")).toBe(true);
    // copies not bound for the disk are confirmed at enqueue: all 15 losses are confirmed losses
    expect(lostAtCrash.filter((f) => f.confirmedBeforeLoss)).toHaveLength(15);
    expect(broker.vhost("/").queues.has("transient")).toBe(false);
    expect(broker.vhost("/").queues.get("durable")!.messageCount).toBe(0);

    rt.start("rabbit-2");
    const q = broker.vhost("/").queues.get("durable")!;
    expect(q.messageCount).toBe(5);
    expect([...q.readyMessages()].every((m) => m.msg.persistent && !m.redelivered)).toBe(true);
    const res = broker.finish();
    expect(res.total.lost).toBe(15);
    expect(res.total.queued).toBe(5);
  });

  it("persistent messages not yet fsynced when the node crashes are lost", () => {
    const { sim, rt, broker, fates } = setup();
    const ch = broker.connect({ name: "app", node: "rabbit-2" }).createChannel();
    ch.assertQueue("durable", { durable: true });
    ch.confirmSelect();
    sim.run({ until: 10 * NS_PER_MS });
    ch.sendToQueue("durable", { bytes: 100 }, { persistent: true });
    sim.run({ until: 12 * NS_PER_MS }); // enqueued, fsync timer (25 ms) not yet fired
    rt.crash("rabbit-2");
    rt.start("rabbit-2");
    expect(fates.map((f) => [f.fate, f.lossCause, f.confirmedBeforeLoss ?? false])).toEqual([
      ["lost", "node-crash", false],
    ]);
  });

  it("unacked deliveries on a crashed node's channels come back redelivered after restart", () => {
    const { sim, rt, broker } = setup();
    const ch = broker.connect({ name: "app", node: "rabbit-2" }).createChannel();
    ch.assertQueue("durable", { durable: true });
    let got = 0;
    ch.consume("durable", (d) => {
      if (d) got++;
    });
    sim.run({ until: 10 * NS_PER_MS });
    for (let i = 0; i < 3; i++) ch.sendToQueue("durable", { bytes: 100 }, { persistent: true });
    sim.run({ until: NS_PER_S });
    expect(got).toBe(3); // delivered, never acked
    rt.crash("rabbit-2");
    rt.start("rabbit-2");
    const q = broker.vhost("/").queues.get("durable")!;
    expect(q.messageCount).toBe(3);
    expect([...q.readyMessages()].every((m) => m.redelivered)).toBe(true);
  });

  it("clients of the crashed node see the connection close; clients elsewhere keep theirs", () => {
    const { sim, rt, broker } = setup();
    const a = broker.connect({ name: "on-2", node: "rabbit-2" });
    const b = broker.connect({ name: "on-1", node: "rabbit-1" });
    const closed: string[] = [];
    a.on("close", (i) => closed.push(`on-2 ${i.code}`));
    b.on("close", () => closed.push("on-1"));
    sim.run({ until: NS_PER_MS });
    rt.crash("rabbit-2");
    sim.run({ until: 2 * NS_PER_MS });
    expect(closed).toEqual(["on-2 320"]);
  });
});

describe("messages between nodes cross the inter-node link", () => {
  const link = (ns: number) => ({
    ...DEFAULT_LINK,
    latency: constantDelay(ns),
    bandwidth: Number.POSITIVE_INFINITY,
  });

  function twoNodes() {
    const sim = new Simulator();
    const rt = new ClusterRuntime(
      sim,
      new RandomStreams(1),
      clusterConfig(["a", "b"], { costs: ZERO_COSTS, clientLink: link(0), nodeLink: link(NS_PER_MS) }),
    );
    const broker = new Broker(sim, { runtime: rt, version: "3.13" });
    // the queue lives on b (declared through a connection to b); the clients are on a
    broker.connect({ name: "admin", node: "b" }).createChannel().assertQueue("q", { durable: false });
    const ch = broker.connect({ name: "app", node: "a" }).createChannel();
    return { sim, rt, broker, ch };
  }

  it("publish on node a to a queue on node b, consumed on a: one hop each way (2 x 1 ms)", () => {
    const { sim, ch } = twoNodes();
    const got: number[] = [];
    sim.run({ until: 10 * NS_PER_MS });
    ch.consume("q", (d) => {
      if (d) got.push(sim.now);
    });
    sim.run({ until: 20 * NS_PER_MS });
    const t0 = sim.now;
    ch.sendToQueue("q", { bytes: 100 });
    sim.run({ until: 40 * NS_PER_MS });
    expect(got.map((t) => t - t0)).toEqual([2 * NS_PER_MS]);
  });

  it("across a partition the copy never reaches the queue", () => {
    const { sim, rt, broker, ch } = twoNodes();
    sim.run({ until: 10 * NS_PER_MS });
    rt.partitionNetwork([["a"], ["b"]]);
    ch.sendToQueue("q", { bytes: 100 });
    sim.run({ until: 40 * NS_PER_MS });
    expect(broker.vhost("/").queues.get("q")!.messageCount).toBe(0);
  });
});

describe("deliveries held on another node when a queue's node crashes", () => {
  it("persistent ones on disk go back to the durable queue and return redelivered on restart (a duplicate for the consumer); a transient one stays the consumer's (acked when it acks); late acks raise no error", () => {
    const { sim, rt, broker } = setup();
    const admin = broker.connect({ name: "admin", node: "rabbit-1" }).createChannel();
    admin.assertQueue("jobs", { durable: true });
    admin.confirmSelect();
    sim.run({ until: 10 * NS_PER_MS });
    for (let i = 0; i < 4; i++) admin.sendToQueue("jobs", { bytes: 100 }, { persistent: i < 3 });
    sim.run({ until: 500 * NS_PER_MS }); // on disk
    // the consumer's connection is on rabbit-2: it survives rabbit-1's crash
    const worker = broker.connect({ name: "worker", node: "rabbit-2" }).createChannel();
    const seen: { persistent: boolean; redelivered: boolean }[] = [];
    const held: Delivery[] = [];
    const onMessage = (d: Delivery | null) => {
      if (!d) return;
      seen.push({ persistent: d.properties.deliveryMode === 2, redelivered: d.fields.redelivered });
      held.push(d);
    };
    worker.consume("jobs", onMessage);
    sim.run({ until: 600 * NS_PER_MS });
    expect(seen).toHaveLength(4);
    rt.crash("rabbit-1");
    sim.run({ until: 700 * NS_PER_MS });
    // acking after the crash: accepted (no channel error), settles nothing
    for (const d of held.splice(0)) worker.ack(d);
    let channelError = false;
    worker.on("error", () => {
      channelError = true;
    });
    sim.run({ until: 800 * NS_PER_MS });
    expect(channelError).toBe(false);
    rt.start("rabbit-1");
    worker.consume("jobs", onMessage);
    sim.run({ until: 2 * NS_PER_S });
    // the 3 persistent ones come back, redelivered; the transient one was lost with the node
    const again = seen.slice(4);
    expect(again).toHaveLength(3);
    expect(again.every((s) => s.redelivered && s.persistent)).toBe(true);
    for (const d of held) worker.ack(d);
    sim.run({ until: 3 * NS_PER_S });
    const res = broker.finish();
    // 3 persistent acked on redelivery + the transient one acked by the consumer after the crash
    expect(res.total.acked).toBe(4);
    expect(res.total.lost).toBe(0);
  });

  it("a transient delivery held elsewhere is lost (node-crash) if the consumer's channel closes before it acks", () => {
    const { sim, rt, broker } = setup();
    const admin = broker.connect({ name: "admin", node: "rabbit-1" }).createChannel();
    admin.assertQueue("jobs", { durable: true });
    sim.run({ until: 10 * NS_PER_MS });
    admin.sendToQueue("jobs", { bytes: 100 });
    const worker = broker.connect({ name: "worker", node: "rabbit-2" }).createChannel();
    worker.consume("jobs", () => {});
    sim.run({ until: 500 * NS_PER_MS });
    rt.crash("rabbit-1");
    worker.close();
    sim.run({ until: NS_PER_S });
    const res = broker.finish();
    expect(res.total.lost).toBe(1);
    expect(res.total.acked).toBe(0);
  });
});
