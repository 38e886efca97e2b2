import { describe, expect, it } from "vitest";
import type { AmqpError, ReturnedMessage } from "../../src/amqp/index.js";
import { collect, world } from "./helpers.js";

const bodies = (ds: { body: unknown }[]): unknown[] => ds.map((d) => d.body);

describe("exchanges and routing (reference A)", () => {
  it("default exchange routes to the queue named by the routing key", () => {
    const w = world();
    w.ch.assertQueue("jobs");
    const got = collect(w.ch, "jobs", { noAck: true });
    w.ch.sendToQueue("jobs", { bytes: 1, body: "j1" });
    w.ch.publish("", "nope", { bytes: 1, body: "lost" });
    w.run();
    expect(bodies(got)).toEqual(["j1"]);
    expect(w.broker.finish().total["unroutable-dropped"]).toBe(1);
  });

  it("binding a queue to the default exchange is refused with 403", () => {
    const w = world();
    w.ch.assertQueue("q");
    let err: AmqpError | null = null;
    w.ch.bindQueue("q", "", "q", {}, (e) => {
      err = e;
    });
    w.run();
    expect(err!.code).toBe(403);
  });

  it("direct exchange multicasts to every queue bound with the same key", () => {
    const w = world();
    w.ch.assertExchange("d", "direct");
    for (const q of ["a", "b", "c"]) w.ch.assertQueue(q);
    w.ch.bindQueue("a", "d", "k");
    w.ch.bindQueue("b", "d", "k");
    w.ch.bindQueue("c", "d", "other");
    const a = collect(w.ch, "a", { noAck: true });
    const b = collect(w.ch, "b", { noAck: true });
    const c = collect(w.ch, "c", { noAck: true });
    w.ch.publish("d", "k", { bytes: 1, body: 1 });
    w.run();
    expect([a.length, b.length, c.length]).toEqual([1, 1, 0]);
  });

  it("fanout exchange ignores the routing key", () => {
    const w = world();
    w.ch.assertExchange("f", "fanout");
    w.ch.assertQueue("a");
    w.ch.assertQueue("b");
    w.ch.bindQueue("a", "f", "x");
    w.ch.bindQueue("b", "f", "y");
    const a = collect(w.ch, "a", { noAck: true });
    const b = collect(w.ch, "b", { noAck: true });
    w.ch.publish("f", "whatever", { bytes: 1 });
    w.run();
    expect([a.length, b.length]).toEqual([1, 1]);
  });

  it("a queue bound twice to matching patterns gets one copy", () => {
    const w = world();
    w.ch.assertExchange("t", "topic");
    w.ch.assertQueue("q");
    w.ch.bindQueue("q", "t", "a.*");
    w.ch.bindQueue("q", "t", "#");
    const got = collect(w.ch, "q", { noAck: true });
    w.ch.publish("t", "a.b", { bytes: 1 });
    w.run();
    expect(got.length).toBe(1);
  });

  it("exchange-to-exchange bindings deliver one copy per queue, and cycles terminate", () => {
    const w = world();
    w.ch.assertExchange("x1", "fanout");
    w.ch.assertExchange("x2", "fanout");
    w.ch.assertExchange("x3", "topic");
    w.ch.bindExchange("x2", "x1", "");
    w.ch.bindExchange("x3", "x1", "");
    w.ch.bindExchange("x1", "x2", ""); // cycle x1 -> x2 -> x1
    w.ch.assertQueue("q");
    w.ch.bindQueue("q", "x2", "");
    w.ch.bindQueue("q", "x3", "#");
    const got = collect(w.ch, "q", { noAck: true });
    w.ch.publish("x1", "k", { bytes: 1 });
    w.run();
    expect(got.length).toBe(1);
  });

  it("the destination exchange's type applies on an e2e hop", () => {
    const w = world();
    w.ch.assertExchange("src", "fanout");
    w.ch.assertExchange("dst", "direct");
    w.ch.bindExchange("dst", "src", "");
    w.ch.assertQueue("q");
    w.ch.bindQueue("q", "dst", "only");
    const got = collect(w.ch, "q", { noAck: true });
    w.ch.publish("src", "other", { bytes: 1, body: "no" });
    w.ch.publish("src", "only", { bytes: 1, body: "yes" });
    w.run();
    expect(bodies(got)).toEqual(["yes"]);
  });

  it("an unroutable message goes to the alternate exchange, along a chain, and a loop stops", () => {
    const w = world();
    w.ch.assertExchange("main", "direct", { alternateExchange: "ae1" });
    w.ch.assertExchange("ae1", "direct", { alternateExchange: "ae2" });
    w.ch.assertExchange("ae2", "fanout", { alternateExchange: "main" });
    w.ch.assertQueue("unrouted");
    w.ch.bindQueue("unrouted", "ae2", "");
    const got = collect(w.ch, "unrouted", { noAck: true });
    w.ch.publish("main", "k", { bytes: 1 });
    w.run();
    expect(got.length).toBe(1);
    // a loop with no queue anywhere terminates and drops
    w.ch.assertExchange("l1", "direct", { alternateExchange: "l2" });
    w.ch.assertExchange("l2", "direct", { alternateExchange: "l1" });
    w.ch.publish("l1", "k", { bytes: 1 });
    w.run();
    expect(w.broker.finish().total["unroutable-dropped"]).toBe(1);
  });

  it("a message routed via an alternate exchange counts as routed for mandatory (no return)", () => {
    const w = world();
    w.ch.assertExchange("main", "direct", { alternateExchange: "ae" });
    w.ch.assertExchange("ae", "fanout");
    w.ch.assertQueue("q");
    w.ch.bindQueue("q", "ae", "");
    const returns: ReturnedMessage[] = [];
    w.ch.on("return", (m) => returns.push(m));
    w.ch.publish("main", "k", { bytes: 1 }, { mandatory: true });
    w.run();
    expect(returns).toEqual([]);
    expect(w.broker.vhost("/").queues.get("q")!.messageCount).toBe(1);
  });

  it("CC and BCC add routing keys; BCC is removed before delivery, CC kept", () => {
    const w = world();
    w.ch.assertExchange("d", "direct");
    for (const q of ["a", "b", "c"]) {
      w.ch.assertQueue(q);
      w.ch.bindQueue(q, "d", q);
    }
    const a = collect(w.ch, "a", { noAck: true });
    const b = collect(w.ch, "b", { noAck: true });
    const c = collect(w.ch, "c", { noAck: true });
    w.ch.publish("d", "a", { bytes: 1 }, { CC: ["b"], BCC: ["c"] });
    w.run();
    expect([a.length, b.length, c.length]).toEqual([1, 1, 1]);
    expect(c[0]!.properties.headers).toEqual({ CC: ["b"] });
  });

  it("CC on the default exchange names queues", () => {
    const w = world();
    w.ch.assertQueue("a");
    w.ch.assertQueue("b");
    const b = collect(w.ch, "b", { noAck: true });
    w.ch.sendToQueue("a", { bytes: 1 }, { CC: "b" });
    w.run();
    expect(b.length).toBe(1);
  });

  it("publishing to a missing exchange closes the channel with 404", () => {
    const w = world();
    const closes: number[] = [];
    w.ch.on("close", (i) => closes.push(i.code));
    w.ch.on("error", () => {});
    w.ch.publish("missing", "k", { bytes: 1 });
    w.run();
    expect(closes).toEqual([404]);
    expect(() => w.ch.publish("", "k", { bytes: 1 })).toThrow(/closed/);
  });

  it("publishing to an internal exchange is refused with 403; e2e routing through it works", () => {
    const w = world();
    w.ch.assertExchange("inner", "fanout", { internal: true });
    w.ch.assertExchange("outer", "fanout");
    w.ch.bindExchange("inner", "outer", "");
    w.ch.assertQueue("q");
    w.ch.bindQueue("q", "inner", "");
    w.ch.publish("outer", "", { bytes: 1 });
    w.run();
    expect(w.broker.vhost("/").queues.get("q")!.messageCount).toBe(1);
    const codes: number[] = [];
    w.ch.on("error", (e) => codes.push(e.code));
    w.ch.publish("inner", "", { bytes: 1 });
    w.run();
    expect(codes).toEqual([403]);
  });

  it("declaring or deleting an amq.* exchange is refused with 403", () => {
    const w = world();
    const codes: number[] = [];
    w.ch.assertExchange("amq.custom", "direct", {}, (e) => codes.push(e!.code));
    w.run();
    const ch2 = w.conn.createChannel();
    ch2.deleteExchange("amq.direct", {}, (e) => codes.push(e!.code));
    w.run();
    expect(codes).toEqual([403, 403]);
  });

  it("an auto-delete exchange is deleted when its last source binding goes, not before it had one", () => {
    const w = world();
    w.ch.assertExchange("ad", "fanout", { autoDelete: true });
    w.ch.assertExchange("upstream", "fanout");
    w.ch.bindExchange("ad", "upstream", ""); // ad is a destination: does not count
    w.ch.assertQueue("q");
    w.run();
    const vh = w.broker.vhost("/");
    expect(vh.exchanges.has("ad")).toBe(true);
    w.ch.bindQueue("q", "ad", "");
    w.ch.unbindQueue("q", "ad", "");
    w.run();
    expect(vh.exchanges.has("ad")).toBe(false);
    // and the binding where it was the destination went with it
    expect([...vh.exchanges.get("upstream")!.router.bindings()]).toEqual([]);
  });

  it("an exchange redeclared with another type fails with 406", () => {
    const w = world();
    w.ch.assertExchange("x", "direct");
    let code = 0;
    w.ch.assertExchange("x", "fanout", {}, (e) => {
      code = e!.code;
    });
    w.run();
    expect(code).toBe(406);
  });

  it("checkExchange of a missing exchange fails with 404", () => {
    const w = world();
    let code = 0;
    w.ch.checkExchange("nope", (e) => {
      code = e!.code;
    });
    w.run();
    expect(code).toBe(404);
  });

  it("a headers binding with an invalid x-match is refused", () => {
    const w = world();
    w.ch.assertExchange("h", "headers");
    w.ch.assertQueue("q");
    let code = 0;
    w.ch.bindQueue("q", "h", "", { "x-match": "some" }, (e) => {
      code = e!.code;
    });
    w.run();
    expect(code).toBe(406);
  });

  it("a headers exchange routes on headers through the channel API", () => {
    const w = world();
    w.ch.assertExchange("h", "headers");
    w.ch.assertQueue("q");
    w.ch.bindQueue("q", "h", "ignored", { "x-match": "any", a: 1, b: null });
    const got = collect(w.ch, "q", { noAck: true });
    w.ch.publish("h", "", { bytes: 1, body: "1" }, { headers: { a: 1 } });
    w.ch.publish("h", "", { bytes: 1, body: "2" }, { headers: { b: "present" } });
    w.ch.publish("h", "", { bytes: 1, body: "3" }, { headers: { a: "1" } });
    w.run();
    expect(bodies(got)).toEqual(["1", "2"]);
  });
});

describe("alternate exchanges along e2e paths (rabbit_exchange:route)", () => {
  it("an exchange reached over an e2e binding that routes nowhere uses its own alternate exchange", () => {
    const w = world();
    w.ch.assertExchange("front", "fanout");
    w.ch.assertExchange("inner", "direct", { alternateExchange: "inner-ae" });
    w.ch.assertExchange("inner-ae", "fanout");
    w.ch.bindExchange("inner", "front", "");
    w.ch.assertQueue("caught");
    w.ch.bindQueue("caught", "inner-ae", "");
    const got = collect(w.ch, "caught", { noAck: true });
    w.ch.publish("front", "nomatch", { bytes: 1 });
    w.run();
    expect(got.length).toBe(1);
  });

  it("an exchange whose e2e binding matched does not use its own AE, even if no queue is found", () => {
    const w = world();
    w.ch.assertExchange("front", "fanout", { alternateExchange: "front-ae" });
    w.ch.assertExchange("front-ae", "fanout");
    w.ch.assertExchange("dead-end", "direct");
    w.ch.bindExchange("dead-end", "front", "");
    w.ch.assertQueue("caught");
    w.ch.bindQueue("caught", "front-ae", "");
    const returns: number[] = [];
    w.ch.on("return", (m) => returns.push(m.fields.replyCode));
    w.ch.publish("front", "k", { bytes: 1 }, { mandatory: true });
    w.run();
    expect(w.broker.vhost("/").queues.get("caught")!.messageCount).toBe(0);
    expect(returns).toEqual([312]);
  });

  it("a dead-lettered message its DLX cannot route goes to the DLX's alternate exchange", () => {
    const w = world();
    w.ch.assertExchange("dlx", "direct", { alternateExchange: "dl-ae" });
    w.ch.assertExchange("dl-ae", "fanout");
    w.ch.assertQueue("parking");
    w.ch.bindQueue("parking", "dl-ae", "");
    w.ch.assertQueue("q", { arguments: { "x-dead-letter-exchange": "dlx" } });
    const c = collect(w.ch, "q");
    w.ch.sendToQueue("q", { bytes: 1 });
    w.run();
    w.ch.reject(c[0]!, false);
    w.run();
    expect(w.broker.vhost("/").queues.get("parking")!.messageCount).toBe(1);
  });
});
