import { describe, expect, it } from "vitest";
import type { Delivery, FieldTable } from "../../src/amqp/index.js";
import { milliseconds, seconds } from "../../src/engine/time.js";
import { collect, world } from "./helpers.js";

const bodies = (ds: Delivery[]): unknown[] => ds.map((d) => d.body);
const deaths = (d: Delivery): FieldTable[] => d.properties.headers!["x-death"] as FieldTable[];

describe("TTL, length limits, dead-lettering, priority (reference E)", () => {
  it("x-message-ttl expires messages that were not consumed in time; expired messages are never delivered", () => {
    const w = world();
    w.ch.assertQueue("q", { arguments: { "x-message-ttl": 100 } });
    w.ch.sendToQueue("q", { bytes: 1, body: 1 });
    w.sim.run({ until: milliseconds(150) });
    const got = collect(w.ch, "q", { noAck: true });
    let empty: unknown = null;
    w.ch.get("q", {}, (_e, m) => {
      empty = m;
    });
    w.run();
    expect(got).toEqual([]);
    expect(empty).toBe(false);
    expect(w.broker.finish().queues.get("q")!.expired).toBe(1);
  });

  it("each queue expires its own copy of a message independently", () => {
    const w = world();
    w.ch.assertQueue("short", { arguments: { "x-message-ttl": 10 } });
    w.ch.assertQueue("long", { arguments: { "x-message-ttl": 1000 } });
    w.ch.bindQueue("short", "amq.fanout", "");
    w.ch.bindQueue("long", "amq.fanout", "");
    w.ch.publish("amq.fanout", "", { bytes: 1 });
    w.sim.run({ until: milliseconds(100) });
    const vh = w.broker.vhost("/");
    expect([vh.queues.get("short")!.messageCount, vh.queues.get("long")!.messageCount]).toEqual([0, 1]);
  });

  it("per-message expiration and queue TTL: the lower wins", () => {
    const w = world();
    w.ch.assertQueue("q", { arguments: { "x-message-ttl": 1000 } });
    w.ch.sendToQueue("q", { bytes: 1 }, { expiration: "50" });
    w.sim.run({ until: milliseconds(60) });
    expect(w.broker.vhost("/").queues.get("q")!.messageCount).toBe(0);
  });

  it("a per-message TTL expires only at the head: an expired message waits behind a live one", () => {
    const w = world();
    w.ch.assertQueue("q");
    w.ch.sendToQueue("q", { bytes: 1, body: "long" }, { expiration: "10000" });
    w.ch.sendToQueue("q", { bytes: 1, body: "short" }, { expiration: "10" });
    w.sim.run({ until: milliseconds(100) });
    const q = w.broker.vhost("/").queues.get("q")!;
    expect(q.messageCount).toBe(2); // "short" has expired but still counts
    const got: (Delivery | false)[] = [];
    w.ch.get("q", { noAck: true }, (_e, m) => got.push(m));
    w.ch.get("q", { noAck: true }, (_e, m) => got.push(m));
    w.sim.run({ until: milliseconds(200) });
    expect(got.map((m) => (m ? m.body : false))).toEqual(["long", false]);
  });

  it("a requeued message keeps its original expiry", () => {
    const w = world();
    w.ch.assertQueue("q", { arguments: { "x-message-ttl": 100 } });
    let first: Delivery | undefined;
    w.ch.get("q", {}, () => {});
    w.ch.sendToQueue("q", { bytes: 1 });
    w.ch.get("q", {}, (_e, m) => {
      if (m) first = m;
    });
    w.sim.run({ until: milliseconds(80) });
    w.ch.nack(first!, false, true);
    w.sim.run({ until: milliseconds(120) });
    expect(w.broker.vhost("/").queues.get("q")!.messageCount).toBe(0);
    expect(w.broker.finish().queues.get("q")!.expired).toBe(1);
  });

  it("TTL 0 delivers to a ready consumer and expires the message otherwise", () => {
    const w = world();
    w.ch.assertQueue("q0", { arguments: { "x-message-ttl": 0 } });
    w.ch.sendToQueue("q0", { bytes: 1, body: "nobody" });
    w.run();
    const got = collect(w.ch, "q0", { noAck: true });
    w.run();
    w.ch.sendToQueue("q0", { bytes: 1, body: "someone" });
    w.run();
    expect(bodies(got)).toEqual(["someone"]);
    expect(w.broker.finish().queues.get("q0")!.expired).toBe(1);
  });

  it("x-max-length counts ready messages only and drop-head drops the oldest", () => {
    const w = world();
    w.ch.assertQueue("q", { arguments: { "x-max-length": 2 } });
    w.ch.prefetch(1);
    const got = collect(w.ch, "q");
    for (let i = 1; i <= 4; i++) w.ch.sendToQueue("q", { bytes: 1, body: i });
    w.run();
    // 1 is unacked (not counted), 2 dropped, 3 and 4 ready
    const q = w.broker.vhost("/").queues.get("q")!;
    expect(bodies(got)).toEqual([1]);
    expect([...q.readyMessages()].map((m) => m.msg.body)).toEqual([3, 4]);
    expect(w.broker.ledger.total["overflow-dropped"]).toBe(1);
  });

  it("x-max-length-bytes counts body bytes", () => {
    const w = world();
    w.ch.assertQueue("q", { arguments: { "x-max-length-bytes": 100 } });
    w.ch.sendToQueue("q", { bytes: 60, body: 1 });
    w.ch.sendToQueue("q", { bytes: 60, body: 2 });
    w.run();
    const q = w.broker.vhost("/").queues.get("q")!;
    expect([...q.readyMessages()].map((m) => m.msg.body)).toEqual([2]);
  });

  it("reject-publish discards the newest message and nacks it", () => {
    const w = world();
    w.ch.assertQueue("q", { arguments: { "x-max-length": 1, "x-overflow": "reject-publish" } });
    w.ch.confirmSelect();
    const outcome: string[] = [];
    w.ch.sendToQueue("q", { bytes: 1, body: 1 }, {}, (e) => outcome.push(e ? "nack" : "ack"));
    w.ch.sendToQueue("q", { bytes: 1, body: 2 }, {}, (e) => outcome.push(e ? "nack" : "ack"));
    w.run();
    expect(outcome).toEqual(["ack", "nack"]);
    const q = w.broker.vhost("/").queues.get("q")!;
    expect([...q.readyMessages()].map((m) => m.msg.body)).toEqual([1]);
  });

  it("reject-publish-dlx nacks and dead-letters the rejected message with reason maxlen", () => {
    const w = world();
    w.ch.assertQueue("dlq");
    w.ch.assertQueue("q", {
      arguments: {
        "x-max-length": 0,
        "x-overflow": "reject-publish-dlx",
        "x-dead-letter-exchange": "",
        "x-dead-letter-routing-key": "dlq",
      },
    });
    const got = collect(w.ch, "dlq", { noAck: true });
    w.ch.confirmSelect();
    const outcome: string[] = [];
    w.ch.sendToQueue("q", { bytes: 1 }, {}, (e) => outcome.push(e ? "nack" : "ack"));
    w.run();
    expect(outcome).toEqual(["nack"]);
    expect(deaths(got[0]!)[0]!.reason).toBe("maxlen");
  });

  it("drop-head with a DLX dead-letters the oldest with reason maxlen", () => {
    const w = world();
    w.ch.assertQueue("dlq");
    w.ch.assertQueue("q", {
      arguments: { "x-max-length": 1, "x-dead-letter-exchange": "", "x-dead-letter-routing-key": "dlq" },
    });
    w.ch.sendToQueue("q", { bytes: 1, body: "old" });
    w.ch.sendToQueue("q", { bytes: 1, body: "new" });
    const got = collect(w.ch, "dlq", { noAck: true });
    w.run();
    expect(bodies(got)).toEqual(["old"]);
  });

  it("a rejected message is dead-lettered with x-death (count, queue, reason, exchange, routing-keys) and x-first-death-*; x-last-death-* from 3.13", () => {
    const w = world("3.13");
    w.ch.assertExchange("dlx", "fanout");
    w.ch.assertQueue("dlq");
    w.ch.bindQueue("dlq", "dlx", "");
    w.ch.assertQueue("work", { arguments: { "x-dead-letter-exchange": "dlx" } });
    w.ch.bindQueue("work", "amq.direct", "job");
    const work = collect(w.ch, "work");
    const dead = collect(w.ch, "dlq", { noAck: true });
    w.ch.publish("amq.direct", "job", { bytes: 1 });
    w.run();
    w.ch.reject(work[0]!, false);
    w.run();
    const d = dead[0]!;
    expect(d.fields.exchange).toBe("dlx");
    expect(d.fields.routingKey).toBe("job");
    const x = deaths(d)[0]!;
    expect({ ...x, time: 0 }).toEqual({
      count: 1,
      reason: "rejected",
      queue: "work",
      time: 0,
      exchange: "amq.direct",
      "routing-keys": ["job"],
    });
    const h = d.properties.headers!;
    expect([h["x-first-death-queue"], h["x-first-death-reason"], h["x-first-death-exchange"]]).toEqual([
      "work",
      "rejected",
      "amq.direct",
    ]);
    expect(h["x-last-death-queue"]).toBe("work");
    expect(w.broker.finish().queues.get("work")!["dead-lettered"]).toBe(1);
  });

  it("3.10 sets only x-first-death-* (no x-last-death-*), as the 3.10.8 fixtures show", () => {
    const w = world("3.10");
    w.ch.assertQueue("dlq");
    w.ch.assertQueue("q", {
      arguments: { "x-dead-letter-exchange": "", "x-dead-letter-routing-key": "dlq" },
    });
    const c = collect(w.ch, "q");
    const dead = collect(w.ch, "dlq", { noAck: true });
    w.ch.sendToQueue("q", { bytes: 1 });
    w.run();
    w.ch.reject(c[0]!, false);
    w.run();
    const h = dead[0]!.properties.headers!;
    expect(Object.keys(h).sort()).toEqual([
      "x-death",
      "x-first-death-exchange",
      "x-first-death-queue",
      "x-first-death-reason",
    ]);
  });

  it("an expired message is dead-lettered with reason expired and its expiration removed (kept as original-expiration)", () => {
    const w = world();
    w.ch.assertQueue("dlq");
    w.ch.assertQueue("q", {
      arguments: { "x-dead-letter-exchange": "", "x-dead-letter-routing-key": "dlq" },
    });
    w.ch.sendToQueue("q", { bytes: 1 }, { expiration: "5" });
    const got = collect(w.ch, "dlq", { noAck: true });
    w.sim.run({ until: seconds(1) });
    const d = got[0]!;
    expect(d.properties.expiration).toBeUndefined();
    expect(deaths(d)[0]!.reason).toBe("expired");
    expect(deaths(d)[0]!["original-expiration"]).toBe("5");
    expect(d.fields.routingKey).toBe("dlq");
  });

  it("a dead-letter routing key removes CC; without one, the original keys including CC are used", () => {
    const w = world();
    w.ch.assertExchange("dlx", "direct");
    w.ch.assertQueue("by-key");
    w.ch.assertQueue("by-cc");
    w.ch.bindQueue("by-key", "dlx", "k");
    w.ch.bindQueue("by-cc", "dlx", "cc");
    w.ch.assertQueue("q", { arguments: { "x-dead-letter-exchange": "dlx" } });
    const c = collect(w.ch, "q");
    const byKey = collect(w.ch, "by-key", { noAck: true });
    const byCc = collect(w.ch, "by-cc", { noAck: true });
    w.ch.assertExchange("in", "direct");
    w.ch.bindQueue("q", "in", "k");
    w.ch.publish("in", "k", { bytes: 1 }, { CC: ["cc"] });
    w.run();
    w.ch.nack(c[0]!, false, false);
    w.run();
    expect([byKey.length, byCc.length]).toEqual([1, 1]);
    expect(deaths(byKey[0]!)[0]!["routing-keys"]).toEqual(["k", "cc"]);
  });

  it("x-death is compressed per {queue, reason}: count grows, most recent first", () => {
    const w = world();
    // q -> (reject) -> retry (TTL 1 ms) -> (expired) -> q -> reject again
    w.ch.assertQueue("q", {
      arguments: { "x-dead-letter-exchange": "", "x-dead-letter-routing-key": "retry" },
    });
    w.ch.assertQueue("retry", {
      arguments: { "x-message-ttl": 1, "x-dead-letter-exchange": "", "x-dead-letter-routing-key": "q" },
    });
    const got: Delivery[] = [];
    w.ch.consume("q", (d) => {
      if (!d) return;
      got.push(d);
      if (got.length < 3) w.ch.reject(d, false);
      else w.ch.ack(d);
    });
    w.ch.sendToQueue("q", { bytes: 1 });
    w.sim.run({ until: seconds(1) });
    expect(got.length).toBe(3);
    const x = deaths(got[2]!);
    expect(x.map((e) => [e.queue, e.reason, e.count])).toEqual([
      ["retry", "expired", 2],
      ["q", "rejected", 2],
    ]);
  });

  it("a dead-letter cycle without a rejection is dropped", () => {
    const w = world();
    // expired messages of q are dead-lettered back to q: a fully automatic cycle
    w.ch.assertQueue("q", {
      arguments: { "x-message-ttl": 1, "x-dead-letter-exchange": "", "x-dead-letter-routing-key": "q" },
    });
    w.ch.sendToQueue("q", { bytes: 1 });
    w.sim.run({ until: seconds(1) });
    expect(w.broker.vhost("/").queues.get("q")!.messageCount).toBe(0);
    // rabbit_dead_letter detect_cycles: the new x-death already names q, so the copy goes nowhere
    expect(w.broker.finish().queues.get("q")!["dead-lettered"]).toBe(1);
  });

  it("a missing dead-letter exchange drops the message silently", () => {
    const w = world();
    w.ch.assertQueue("q", { arguments: { "x-dead-letter-exchange": "missing" } });
    const c = collect(w.ch, "q");
    w.ch.sendToQueue("q", { bytes: 1 });
    w.run();
    w.ch.reject(c[0]!, false);
    w.run();
    expect(w.broker.finish().queues.get("q")!["rejected-dropped"]).toBe(1);
  });

  it("x-max-priority delivers higher priorities first; no priority is 0; above the max counts as the max", () => {
    const w = world();
    w.ch.assertQueue("pq", { arguments: { "x-max-priority": 5 } });
    w.ch.sendToQueue("pq", { bytes: 1, body: "none" });
    w.ch.sendToQueue("pq", { bytes: 1, body: "p9" }, { priority: 9 });
    w.ch.sendToQueue("pq", { bytes: 1, body: "p3" }, { priority: 3 });
    w.ch.sendToQueue("pq", { bytes: 1, body: "p5" }, { priority: 5 });
    w.run();
    const got = collect(w.ch, "pq", { noAck: true });
    w.run();
    expect(bodies(got)).toEqual(["p9", "p5", "p3", "none"]);
  });

  it("a queue without x-max-priority ignores message priority", () => {
    const w = world();
    w.ch.assertQueue("q");
    w.ch.sendToQueue("q", { bytes: 1, body: "a" });
    w.ch.sendToQueue("q", { bytes: 1, body: "b" }, { priority: 9 });
    w.run();
    const got = collect(w.ch, "q", { noAck: true });
    w.run();
    expect(bodies(got)).toEqual(["a", "b"]);
  });
});
