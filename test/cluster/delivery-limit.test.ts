import { describe, expect, it } from "vitest";
import { Broker } from "../../src/amqp/broker.js";
import type { Delivery } from "../../src/amqp/channel.js";
import type { FieldTable } from "../../src/amqp/message.js";
import type { DeadLetteredSignal, DroppedSignal } from "../../src/amqp/signals.js";
import { FreeRuntime } from "../../src/cluster/free-runtime.js";
import { Simulator } from "../../src/engine/simulator.js";
import { NS_PER_S } from "../../src/engine/time.js";

/**
 * A poison message: one quorum queue "work" whose only consumer rejects everything with
 * requeue=true. Returns how many times the message was delivered and what became of it.
 */
function poison(version: string, args: FieldTable, withDlx: boolean) {
  const sim = new Simulator();
  const broker = new Broker(sim, { runtime: new FreeRuntime(sim), version });
  const dead: DeadLetteredSignal[] = [];
  const dropped: DroppedSignal[] = [];
  broker.signals.deadLettered.subscribe((s) => dead.push(s));
  broker.signals.dropped.subscribe((s) => dropped.push(s));
  const ch = broker.connect({ name: "c" }).createChannel();
  if (withDlx) {
    ch.assertQueue("parked", { durable: true });
    ch.bindQueue("parked", "amq.fanout", "");
  }
  ch.assertQueue("work", {
    durable: true,
    arguments: {
      "x-queue-type": "quorum",
      ...(withDlx ? { "x-dead-letter-exchange": "amq.fanout" } : {}),
      ...args,
    },
  });
  let deliveries = 0;
  ch.consume("work", (d: Delivery | null) => {
    if (!d) return;
    deliveries++;
    if (deliveries < 500) ch.reject(d, true);
  });
  ch.sendToQueue("work", { bytes: 10 });
  sim.run({ until: 10 * NS_PER_S });
  const parked = broker.vhost("/").queues.get("parked")?.messageCount ?? 0;
  return { deliveries, dead, dropped, parked, fates: broker.finish().queues.get("work")! };
}

describe("quorum queue delivery-limit (poison messages)", () => {
  it("a message returned after more than x-delivery-limit deliveries is dead-lettered with reason delivery_limit (limit 2: delivered 3 times)", () => {
    const r = poison("3.13", { "x-delivery-limit": 2 }, true);
    expect(r.deliveries).toBe(3);
    expect(r.dead.map((d) => d.reason)).toEqual(["delivery_limit"]);
    expect(r.parked).toBe(1);
    expect(r.fates["dead-lettered"]).toBe(1);
  });

  it("RabbitMQ 4.x applies a default delivery-limit of 20: without a dead-letter exchange the message is dropped after 21 deliveries", () => {
    const r = poison("4.x", {}, false);
    expect(r.deliveries).toBe(21);
    expect(r.dropped.map((d) => d.reason)).toEqual(["delivery-limit"]);
    expect(r.fates["rejected-dropped"]).toBe(1);
  });

  it("3.13 has no default limit, and on 4.x x-delivery-limit -1 disables it: the poison message loops until the consumer stops rejecting", () => {
    for (const [version, args] of [
      ["3.13", {}],
      ["4.0", { "x-delivery-limit": -1 }],
    ] as const) {
      const r = poison(version, args, true);
      expect(r.deliveries).toBe(500);
      expect(r.dead).toEqual([]);
      expect(r.fates["in-flight"]).toBe(1);
    }
  });

  it("classic queues ignore x-delivery-limit", () => {
    const sim = new Simulator();
    const broker = new Broker(sim, { runtime: new FreeRuntime(sim), version: "4.x" });
    const ch = broker.connect({ name: "c" }).createChannel();
    ch.assertQueue("work", { arguments: { "x-delivery-limit": 1 } });
    let n = 0;
    ch.consume("work", (d: Delivery | null) => {
      if (d && ++n < 50) ch.reject(d, true);
    });
    ch.sendToQueue("work", { bytes: 10 });
    sim.run({ until: NS_PER_S });
    expect(n).toBe(50);
  });
});
