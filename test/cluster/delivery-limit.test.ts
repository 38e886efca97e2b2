import { describe, expect, it } from "vitest";
import { Broker } from "../../src/amqp/broker.js";
import type { Delivery } from "../../src/amqp/channel.js";
import type { FieldTable } from "../../src/amqp/message.js";
import { countHeaders, limitCount, returnRule } from "../../src/amqp/replicated/quorum-queue.js";
import type { DeadLetteredSignal, DroppedSignal } from "../../src/amqp/signals.js";
import { parseVersion } from "../../src/amqp/version.js";
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

/** What one consumer delivery looked like: message id, redelivered flag, count headers. */
interface Seen {
  readonly id: string;
  readonly redelivered: boolean;
  readonly headers: FieldTable | undefined;
}

function seen(d: Delivery): Seen {
  return { id: d.properties.messageId!, redelivered: d.fields.redelivered, headers: d.properties.headers };
}

/**
 * A broker of `version` with one quorum queue "q" (arguments `args`, dead-lettering to queue
 * "parked" through amq.fanout), messages m1..m<n> published to it, and a channel to consume with.
 */
function quorumWorld(version: string, args: FieldTable, n: number) {
  const sim = new Simulator();
  const broker = new Broker(sim, { runtime: new FreeRuntime(sim), version });
  const dead: DeadLetteredSignal[] = [];
  const dropped: DroppedSignal[] = [];
  broker.signals.deadLettered.subscribe((s) => dead.push(s));
  broker.signals.dropped.subscribe((s) => dropped.push(s));
  const conn = broker.connect({ name: "c" });
  const setup = conn.createChannel();
  setup.assertQueue("parked", { durable: true });
  setup.bindQueue("parked", "amq.fanout", "");
  setup.assertQueue("q", {
    durable: true,
    arguments: { "x-queue-type": "quorum", "x-dead-letter-exchange": "amq.fanout", ...args },
  });
  for (let i = 1; i <= n; i++) setup.sendToQueue("q", { bytes: 10, properties: { messageId: `m${i}` } });
  const run = () => sim.run({ until: 10 * NS_PER_S });
  const parked = () => broker.vhost("/").queues.get("parked")?.messageCount ?? 0;
  return { sim, broker, conn, dead, dropped, run, parked };
}

/**
 * Message ids in delivery order from a quorum queue holding m1..m3 (prefetch 1) when the first
 * delivery is returned with requeue by `giveBack` ("nack" or "reject") and the rest are acked.
 */
function returnOrder(version: string, args: FieldTable, giveBack: "nack" | "reject"): string[] {
  const w = quorumWorld(version, args, 3);
  const ids: string[] = [];
  const ch = w.conn.createChannel();
  ch.prefetch(1);
  ch.consume("q", (d) => {
    if (!d) return;
    ids.push(d.properties.messageId!);
    if (ids.length > 1) ch.ack(d);
    else if (giveBack === "nack") ch.nack(d, false, true);
    else ch.reject(d, true);
  });
  w.run();
  return ids;
}

describe("quorum queue returns on RabbitMQ 4.x (delivery-limit, position, count headers)", () => {
  it("4.0 to 4.2 count every return (nack, recover, channel close) towards the delivery-limit, and x-delivery-count is the number of returns (rabbit_fifo v4.0.0 return_one: AcquiredCount > DeliveryLimit)", () => {
    const w = quorumWorld("4.0", { "x-delivery-limit": 3 }, 1);
    const log: Seen[] = [];
    const ch1 = w.conn.createChannel();
    const ch2 = w.conn.createChannel();
    ch1.prefetch(1);
    ch1.consume("q", (d) => {
      if (!d) return;
      log.push(seen(d));
      if (log.length === 1) ch1.nack(d, false, true);
      else if (log.length === 2) ch1.recover();
      else
        ch1.close(() =>
          ch2.consume("q", (d2) => {
            if (!d2) return;
            log.push(seen(d2));
            ch2.nack(d2, false, true);
          }),
        );
    });
    w.run();
    expect(log.map((s) => s.headers?.["x-delivery-count"])).toEqual([undefined, 1, 2, 3]);
    expect(log.map((s) => s.redelivered)).toEqual([false, true, true, true]);
    // the fourth return makes 4 > 3: dead-lettered without the count header
    expect(w.dead.map((d) => d.reason)).toEqual(["delivery_limit"]);
    expect(w.parked()).toBe(1);
  });

  it("4.3 counts only failed returns towards the delivery-limit: basic.recover is not one, basic.reject is; x-acquired-count counts every return, x-delivery-count the failed ones (release notes 4.3.0; rabbit_fifo v4.3.0 incr_msg_headers)", () => {
    const w = quorumWorld("4.3", { "x-delivery-limit": 1 }, 1);
    const log: Seen[] = [];
    const ch = w.conn.createChannel();
    ch.prefetch(1);
    ch.consume("q", (d) => {
      if (!d) return;
      log.push(seen(d));
      if (log.length <= 3) ch.recover();
      else ch.reject(d, true);
    });
    w.run();
    expect(log.map((s) => s.headers)).toEqual([
      undefined,
      { "x-acquired-count": 1 },
      { "x-acquired-count": 2 },
      { "x-acquired-count": 3 },
      { "x-acquired-count": 4, "x-delivery-count": 1 },
    ]);
    expect(w.dead.map((d) => d.reason)).toEqual(["delivery_limit"]);
  });

  it("4.3 counts a channel close as a failed delivery (return_all with DelivFailed = down): limit 0 drops the message at the close", () => {
    const w = quorumWorld("4.3", { "x-delivery-limit": 0, "x-dead-letter-exchange": "none" }, 1);
    const ch = w.conn.createChannel();
    let n = 0;
    ch.consume("q", (d) => {
      if (d && ++n === 1) ch.close();
    });
    w.run();
    expect(n).toBe(1);
    expect(w.dropped.map((d) => d.reason)).toEqual(["delivery-limit"]);
    expect(w.broker.finish().queues.get("q")!["rejected-dropped"]).toBe(1);
  });

  it("4.x with the default delivery-limit returns a nacked delivery ahead of the ready messages; with x-delivery-limit -1 behind them (docs 4.0 quorum-queues#repeated-requeues; rabbit_fifo handle_aux #return)", () => {
    expect(returnOrder("4.2", {}, "nack")).toEqual(["m1", "m1", "m2", "m3"]);
    expect(returnOrder("4.2", { "x-delivery-limit": -1 }, "nack")).toEqual(["m1", "m2", "m3", "m1"]);
  });

  it("4.3 returns a basic.reject with requeue ahead of the ready messages even without a delivery-limit (rabbit_channel v4.3.0: reject is {modify, delivery_failed=true}, applied directly)", () => {
    expect(returnOrder("4.3", { "x-delivery-limit": -1 }, "reject")).toEqual(["m1", "m1", "m2", "m3"]);
  });

  it("4.3 lets basic.nack with requeue loop without counting towards the delivery-limit, and without a limit puts it behind the ready messages (release notes 4.3.0: 'unlimited explicit message returns'; rabbit_channel v4.3.0 basic.nack -> requeue)", () => {
    const w = quorumWorld("4.3", { "x-delivery-limit": 1 }, 1);
    const log: Seen[] = [];
    const ch = w.conn.createChannel();
    ch.consume("q", (d) => {
      if (!d) return;
      log.push(seen(d));
      if (log.length < 6) ch.nack(d, false, true);
      else ch.ack(d);
    });
    w.run();
    expect(log.map((s) => s.headers)).toEqual([
      undefined,
      ...[1, 2, 3, 4, 5].map((n) => ({ "x-acquired-count": n })),
    ]);
    expect(w.dead).toEqual([]);

    expect(returnOrder("4.3", { "x-delivery-limit": -1 }, "nack")).toEqual(["m1", "m2", "m3", "m1"]);
  });

  it("a channel close returns deliveries ahead of the ready messages, in delivery order, on every version (rabbit_fifo return_all)", () => {
    for (const version of ["3.13", "4.0", "4.3"]) {
      const w = quorumWorld(version, { "x-delivery-limit": -1 }, 4);
      const ids: string[] = [];
      const ch1 = w.conn.createChannel();
      ch1.prefetch(2);
      ch1.consume("q", (d) => {
        if (d && ids.push(d.properties.messageId!) === 2) {
          ch1.close(() => {
            const ch2 = w.conn.createChannel();
            ch2.consume("q", (d2) => d2 && ids.push(d2.properties.messageId!), { noAck: true });
          });
        }
      });
      w.run();
      expect(ids, version).toEqual(["m1", "m2", "m1", "m2", "m3", "m4"]);
    }
  });

  it("basic.get carries x-delivery-count 0 on a first delivery on 3.10 and 3.11 only (rabbit_fifo_client dequeue; 3.12 added Count > 0; recorded on 3.10.8)", () => {
    const first = (version: string) => {
      const w = quorumWorld(version, {}, 1);
      let got: Delivery | false | undefined;
      w.conn.createChannel().get("q", { noAck: true }, (_e, d) => {
        got = d;
      });
      w.run();
      return got === false || got === undefined ? "empty" : got.properties.headers;
    };
    expect(first("3.10")).toEqual({ "x-delivery-count": 0 });
    expect(first("3.11")).toEqual({ "x-delivery-count": 0 });
    expect(first("3.12")).toBeUndefined();
    expect(first("4.0")).toBeUndefined();
  });

  it("returnRule: position and failure of each kind of return, per version (rabbit_fifo handle_aux #return, return_all; rabbit_channel v4.3.0 basic.nack -> requeue, basic.reject -> modify)", () => {
    const v = parseVersion;
    const rule = (version: string, kind: "nack" | "reject" | "recover" | "close", limit: boolean) =>
      returnRule(v(version), kind, limit);
    // without a limit nack / reject / recover go to the back; with one, into the returns queue
    for (const version of ["3.10", "3.13", "4.0", "4.2"]) {
      expect(rule(version, "nack", false).toBack, version).toBe(true);
      expect(rule(version, "reject", false).toBack, version).toBe(true);
      expect(rule(version, "recover", false).toBack, version).toBe(true);
      expect(rule(version, "nack", true).toBack, version).toBe(false);
      expect(rule(version, "close", false).toBack, version).toBe(false);
    }
    expect(rule("4.3", "nack", false)).toEqual({ toBack: true, failed: false });
    expect(rule("4.3", "recover", true)).toEqual({ toBack: false, failed: false });
    expect(rule("4.3", "reject", false)).toEqual({ toBack: false, failed: true });
    expect(rule("4.3", "close", true)).toEqual({ toBack: false, failed: true });
    expect(rule("3.13", "nack", true).failed).toBe(true);
    expect(rule("4.1", "reject", true).failed).toBe(false);
    // the limit compares acquired (every return) up to 4.2 and failed returns from 4.3
    expect(limitCount(v("3.13"), 5, 1)).toBe(5);
    expect(limitCount(v("4.2"), 5, 1)).toBe(5);
    expect(limitCount(v("4.3"), 5, 1)).toBe(1);
    expect(limitCount(v("4.x"), 5, 1)).toBe(1);
    expect(countHeaders(v("4.3"), 2, 0, false)).toEqual({ "x-acquired-count": 2 });
    expect(countHeaders(v("4.2"), 2, 0, false)).toEqual({ "x-delivery-count": 2 });
    expect(countHeaders(v("3.13"), 0, 0, true)).toBeNull();
  });
});
