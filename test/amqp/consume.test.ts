import { describe, expect, it } from "vitest";
import type { Delivery } from "../../src/amqp/index.js";
import { collect, world } from "./helpers.js";

const bodies = (ds: Delivery[]): unknown[] => ds.map((d) => d.body);

function fill(w: ReturnType<typeof world>, q: string, n: number): void {
  for (let i = 1; i <= n; i++) w.ch.sendToQueue(q, { bytes: 1, body: i });
}

describe("consuming, acks and redelivery (reference D)", () => {
  it("round-robin: consumers of equal priority take turns", () => {
    const w = world();
    w.ch.assertQueue("q");
    const a = collect(w.ch, "q", { noAck: true });
    const b = collect(w.ch, "q", { noAck: true });
    w.run();
    fill(w, "q", 6);
    w.run();
    expect(bodies(a)).toEqual([1, 3, 5]);
    expect(bodies(b)).toEqual([2, 4, 6]);
  });

  it("prefetch (global=false) limits unacked deliveries per consumer", () => {
    const w = world();
    w.ch.assertQueue("q");
    w.ch.prefetch(2);
    const a = collect(w.ch, "q");
    fill(w, "q", 5);
    w.run();
    expect(bodies(a)).toEqual([1, 2]);
    w.ch.ack(a[0]!);
    w.run();
    expect(bodies(a)).toEqual([1, 2, 3]);
  });

  it("prefetch 1 gives fair dispatch: a busy consumer gets no more until it acks", () => {
    const w = world();
    w.ch.assertQueue("q");
    w.ch.prefetch(1);
    const slow = collect(w.ch, "q");
    const fast: Delivery[] = [];
    const ch2 = w.conn.createChannel();
    ch2.prefetch(1);
    ch2.consume("q", (d) => {
      if (!d) return;
      fast.push(d);
      ch2.ack(d);
    });
    w.run();
    fill(w, "q", 5);
    w.run();
    expect(bodies(slow)).toEqual([1]);
    expect(bodies(fast)).toEqual([2, 3, 4, 5]);
  });

  it("qos global=false after global=true removes the channel-wide limit (rabbit_channel, 3.10.8 fixture)", () => {
    const w = world();
    w.ch.assertQueue("q1");
    w.ch.assertQueue("q2");
    w.ch.prefetch(3, true);
    w.ch.prefetch(2, false);
    const a = collect(w.ch, "q1");
    const b = collect(w.ch, "q2");
    fill(w, "q1", 3);
    fill(w, "q2", 3);
    w.run();
    expect([a.length, b.length]).toEqual([2, 2]);
  });

  it("global prefetch is shared by the channel's consumers; set after a per-consumer one, both are enforced", () => {
    const w = world();
    w.ch.assertQueue("q1");
    w.ch.assertQueue("q2");
    w.ch.prefetch(2, false);
    w.ch.prefetch(3, true);
    const a = collect(w.ch, "q1");
    const b = collect(w.ch, "q2");
    fill(w, "q1", 5);
    fill(w, "q2", 5);
    w.run();
    expect(a.length).toBe(2); // per-consumer limit
    expect(a.length + b.length).toBe(3); // channel-wide limit
    w.ch.ack(a[0]!);
    w.run();
    expect(a.length + b.length).toBe(4);
  });

  it("prefetch does not limit basic.get", () => {
    const w = world();
    w.ch.assertQueue("q");
    w.ch.prefetch(1, true);
    fill(w, "q", 3);
    const got: (Delivery | false)[] = [];
    for (let i = 0; i < 4; i++) w.ch.get("q", {}, (_e, m) => got.push(m));
    w.run();
    expect(got.map((m) => (m ? m.body : false))).toEqual([1, 2, 3, false]);
    expect(got.map((m) => (m ? m.fields.messageCount : -1))).toEqual([2, 1, 0, -1]);
  });

  it("a higher-priority consumer gets messages while it can; lower ones only when it is blocked", () => {
    const w = world();
    w.ch.assertQueue("q");
    w.ch.prefetch(2);
    const low = collect(w.ch, "q", { priority: 0 });
    const high = collect(w.ch, "q", { priority: 10 });
    fill(w, "q", 5);
    w.run();
    expect(bodies(high)).toEqual([1, 2]);
    expect(bodies(low)).toEqual([3, 4]);
  });

  it("an exclusive consumer refuses others (403) and is refused on a queue that has consumers", () => {
    const w = world();
    w.ch.assertQueue("q");
    w.ch.consume("q", () => {}, { exclusive: true });
    const ch2 = w.conn.createChannel();
    let code = 0;
    ch2.on("error", () => {});
    ch2.consume(
      "q",
      () => {},
      {},
      (e) => {
        code = e!.code;
      },
    );
    w.run();
    expect(code).toBe(403);
    w.ch.assertQueue("q2");
    w.ch.consume("q2", () => {});
    const ch3 = w.conn.createChannel();
    ch3.consume(
      "q2",
      () => {},
      { exclusive: true },
      (e) => {
        code = e ? e.code : 0;
      },
    );
    w.run();
    expect(code).toBe(403);
  });

  it("single active consumer: only the first consumer receives; on its cancel the next takes over", () => {
    const w = world();
    w.ch.assertQueue("q", { arguments: { "x-single-active-consumer": true } });
    const a: Delivery[] = [];
    const tag = w.ch.consume("q", (d) => d && a.push(d), { noAck: true });
    const b = collect(w.ch, "q", { noAck: true });
    fill(w, "q", 3);
    w.run();
    expect([a.length, b.length]).toEqual([3, 0]);
    w.ch.cancel(tag);
    fill(w, "q", 2);
    w.run();
    expect([a.length, b.length]).toEqual([3, 2]);
  });

  it("delivery tags increase per channel; a second ack of the same tag fails with 406 unknown delivery tag", () => {
    const w = world();
    w.ch.assertQueue("q");
    const a = collect(w.ch, "q");
    fill(w, "q", 2);
    w.run();
    expect(a.map((d) => d.fields.deliveryTag)).toEqual([1, 2]);
    const errors: string[] = [];
    w.ch.on("error", (e) => errors.push(e.text));
    w.ch.ack(a[0]!);
    w.ch.ack(a[0]!);
    w.run();
    expect(errors).toEqual(["PRECONDITION_FAILED - unknown delivery tag 1"]);
  });

  it("acking on another channel fails with 406 unknown delivery tag", () => {
    const w = world();
    w.ch.assertQueue("q");
    const a = collect(w.ch, "q");
    fill(w, "q", 1);
    w.run();
    const ch2 = w.conn.createChannel();
    let code = 0;
    ch2.on("error", (e) => {
      code = e.code;
    });
    ch2.ack(a[0]!);
    w.run();
    expect(code).toBe(406);
  });

  it("ack with multiple=true acks every tag up to and including it", () => {
    const w = world();
    w.ch.assertQueue("q");
    const a = collect(w.ch, "q");
    fill(w, "q", 4);
    w.run();
    w.ch.ack(a[2]!, true);
    w.run();
    const q = w.broker.vhost("/").queues.get("q")!;
    expect(q.unackedCount).toBe(1);
    expect(w.broker.ledger.total.acked).toBe(3);
  });

  it("nack with requeue puts the message back at its original position, redelivered=true", () => {
    const w = world();
    w.ch.assertQueue("q");
    w.ch.prefetch(2);
    const a = collect(w.ch, "q");
    fill(w, "q", 4);
    w.run();
    expect(bodies(a)).toEqual([1, 2]);
    w.ch.nack(a[1]!, true, true); // 1 and 2 back before 3, in their order
    w.run();
    expect(bodies(a)).toEqual([1, 2, 1, 2]);
    expect(a.slice(2).map((d) => d.fields.redelivered)).toEqual([true, true]);
    expect(a.slice(0, 2).map((d) => d.fields.redelivered)).toEqual([false, false]);
  });

  it("reject with requeue=false and no DLX discards the message", () => {
    const w = world();
    w.ch.assertQueue("q");
    const a = collect(w.ch, "q");
    fill(w, "q", 1);
    w.run();
    w.ch.reject(a[0]!, false);
    w.run();
    expect(w.broker.finish().queues.get("q")!["rejected-dropped"]).toBe(1);
  });

  it("nackAll requeues every unacked delivery of the channel", () => {
    const w = world();
    w.ch.assertQueue("q");
    w.ch.prefetch(3);
    const a = collect(w.ch, "q");
    fill(w, "q", 3);
    w.run();
    w.ch.cancel(a[0]!.fields.consumerTag!);
    w.ch.nackAll(true);
    w.run();
    expect(w.broker.vhost("/").queues.get("q")!.messageCount).toBe(3);
  });

  it("unacked deliveries are requeued with redelivered=true when the channel closes", () => {
    const w = world();
    w.ch.assertQueue("q");
    collect(w.ch, "q");
    fill(w, "q", 2);
    w.run();
    w.ch.close();
    w.run();
    const ch2 = w.conn.createChannel();
    const b = collect(ch2, "q", { noAck: true });
    w.run();
    expect(bodies(b)).toEqual([1, 2]);
    expect(b.every((d) => d.fields.redelivered)).toBe(true);
  });

  it("unacked deliveries are requeued when the connection is lost", () => {
    const w = world();
    w.ch.assertQueue("q");
    collect(w.ch, "q");
    fill(w, "q", 2);
    w.run();
    const closed: number[] = [];
    w.conn.on("close", (i) => closed.push(i.code));
    w.conn.lose();
    w.run();
    expect(closed).toEqual([320]);
    expect(w.broker.vhost("/").queues.get("q")!.messageCount).toBe(2);
  });

  it("a channel error requeues the channel's unacked deliveries", () => {
    const w = world();
    w.ch.assertQueue("q");
    collect(w.ch, "q");
    fill(w, "q", 1);
    w.run();
    w.ch.on("error", () => {});
    w.ch.checkQueue("missing");
    w.run();
    expect(w.broker.vhost("/").queues.get("q")!.messageCount).toBe(1);
  });

  it("basic.cancel does not requeue deliveries in flight; they can still be acked", () => {
    const w = world();
    w.ch.assertQueue("q");
    const a = collect(w.ch, "q");
    fill(w, "q", 2);
    w.run();
    w.ch.cancel(a[0]!.fields.consumerTag!);
    w.run();
    const q = w.broker.vhost("/").queues.get("q")!;
    expect([q.messageCount, q.unackedCount]).toEqual([0, 2]);
    w.ch.ack(a[1]!, true);
    w.run();
    expect(q.unackedCount).toBe(0);
  });

  it("auto-ack deliveries are settled when sent and lost if the connection dies", () => {
    const w = world();
    w.ch.assertQueue("q");
    collect(w.ch, "q", { noAck: true });
    fill(w, "q", 2);
    w.run();
    w.conn.lose();
    w.run();
    const f = w.broker.finish();
    expect(f.queues.get("q")!["auto-acked"]).toBe(2);
    expect(f.queues.get("q")!.queued).toBe(0);
  });

  it("basic.recover requeues the channel's unacked deliveries, redelivered", () => {
    const w = world();
    w.ch.assertQueue("q");
    const a = collect(w.ch, "q");
    fill(w, "q", 2);
    w.run();
    w.ch.recover();
    w.run();
    expect(bodies(a)).toEqual([1, 2, 1, 2]);
    expect(a[2]!.fields.redelivered).toBe(true);
  });

  it("basic.get without noAck leaves the message unacked until acked", () => {
    const w = world();
    w.ch.assertQueue("q");
    fill(w, "q", 1);
    let got: Delivery | false = false;
    w.ch.get("q", {}, (_e, m) => {
      got = m;
    });
    w.run();
    const q = w.broker.vhost("/").queues.get("q")!;
    expect(q.unackedCount).toBe(1);
    w.ch.ack(got as unknown as Delivery);
    w.run();
    expect(q.unackedCount).toBe(0);
    expect(w.broker.finish().total.acked).toBe(1);
  });
});

describe("single active consumer and priorities (classic queues)", () => {
  it("a later consumer with a higher priority does not take over a classic single-active-consumer queue", () => {
    const w = world();
    w.ch.assertQueue("q", { arguments: { "x-single-active-consumer": true } });
    const first = collect(w.ch, "q", { noAck: true });
    const high = collect(w.ch, "q", { noAck: true, priority: 10 });
    fill(w, "q", 2);
    w.run();
    expect([first.length, high.length]).toEqual([2, 0]);
  });
});

describe("dispatch order details seen on RabbitMQ 3.10.8", () => {
  it("a consumer unblocked by an ack rejoins the round-robin at the back", () => {
    const w = world();
    w.ch.assertQueue("q");
    w.ch.prefetch(1);
    const c1 = collect(w.ch, "q");
    const b = w.conn.createChannel();
    const c2 = collect(b, "q", { noAck: true });
    w.run();
    for (let i = 1; i <= 4; i++) w.ch.sendToQueue("q", { bytes: 1, body: i });
    w.run();
    expect([bodies(c1), bodies(c2)]).toEqual([[1], [2, 3, 4]]);
    w.ch.ack(c1[0]!);
    w.run();
    w.ch.sendToQueue("q", { bytes: 1, body: 5 });
    w.ch.sendToQueue("q", { bytes: 1, body: 6 });
    w.run();
    expect([bodies(c1), bodies(c2)]).toEqual([
      [1, 6],
      [2, 3, 4, 5],
    ]);
  });

  it("basic.recover requeues per consumer (sorted by tag), each group dispatched before the next", () => {
    const w = world();
    w.ch.assertQueue("q");
    const got: string[] = [];
    w.ch.consume("q", (d) => d && got.push(`c1:${d.body}:${d.fields.deliveryTag}`), { consumerTag: "c1" });
    w.ch.consume("q", (d) => d && got.push(`c2:${d.body}:${d.fields.deliveryTag}`), { consumerTag: "c2" });
    w.run();
    for (const m of ["m1", "m2", "m3"]) w.ch.sendToQueue("q", { bytes: 1, body: m });
    w.run();
    w.ch.recover();
    w.run();
    expect(got).toEqual(["c1:m1:1", "c2:m2:2", "c1:m3:3", "c2:m1:4", "c1:m3:5", "c2:m2:6"]);
  });
});
