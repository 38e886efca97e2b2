import { describe, expect, it } from "vitest";
import { collect, world } from "./helpers.js";

describe("publishing, mandatory and confirms (reference B)", () => {
  it("an unroutable mandatory message is returned with 312 NO_ROUTE before its confirm", () => {
    const w = world();
    const log: string[] = [];
    w.ch.confirmSelect();
    w.ch.on("return", (m) => log.push(`return ${m.fields.replyCode} ${m.fields.replyText}`));
    w.ch.on("ack", (seq) => log.push(`ack ${seq}`));
    w.ch.publish("amq.direct", "nobody", { bytes: 1 }, { mandatory: true });
    w.run();
    expect(log).toEqual(["return 312 NO_ROUTE", "ack 1"]);
    expect(w.broker.finish().total.returned).toBe(1);
  });

  it("an unroutable message without mandatory is dropped silently (and still acked)", () => {
    const w = world();
    const acks: number[] = [];
    w.ch.confirmSelect();
    w.ch.on("ack", (s) => acks.push(s));
    let returned = false;
    w.ch.on("return", () => {
      returned = true;
    });
    w.ch.publish("amq.direct", "nobody", { bytes: 1 });
    w.run();
    expect(returned).toBe(false);
    expect(acks).toEqual([1]);
  });

  it("confirms count from 1 and ack each routed message once every target queue accepted it", () => {
    const w = world();
    w.ch.assertQueue("a");
    w.ch.assertQueue("b");
    w.ch.bindQueue("a", "amq.fanout", "");
    w.ch.bindQueue("b", "amq.fanout", "");
    w.ch.confirmSelect();
    const results: string[] = [];
    for (let i = 0; i < 3; i++)
      w.ch.publish("amq.fanout", "", { bytes: 1 }, {}, (err) => results.push(err ? "nack" : "ack"));
    const seqs: number[] = [];
    w.ch.on("ack", (s) => seqs.push(s));
    w.run();
    expect(results).toEqual(["ack", "ack", "ack"]);
    expect(seqs).toEqual([1, 2, 3]);
  });

  it("a message rejected by one reject-publish queue is nacked but still enqueued in the others", () => {
    const w = world();
    w.ch.assertQueue("full", { arguments: { "x-max-length": 0, "x-overflow": "reject-publish" } });
    w.ch.assertQueue("open");
    w.ch.bindQueue("full", "amq.fanout", "");
    w.ch.bindQueue("open", "amq.fanout", "");
    w.ch.confirmSelect();
    const nacks: number[] = [];
    w.ch.on("nack", (s) => nacks.push(s));
    let cbErr = false;
    w.ch.publish("amq.fanout", "", { bytes: 1 }, {}, (e) => {
      cbErr = e !== null;
    });
    w.run();
    expect(nacks).toEqual([1]);
    expect(cbErr).toBe(true);
    expect(w.broker.vhost("/").queues.get("open")!.messageCount).toBe(1);
    const f = w.broker.finish();
    expect(f.queues.get("full")!["overflow-dropped"]).toBe(1);
  });

  it("the persistent flag is recorded on the message (deliveryMode 2)", () => {
    const w = world();
    w.ch.assertQueue("q");
    const got = collect(w.ch, "q", { noAck: true });
    w.ch.sendToQueue("q", { bytes: 1 }, { persistent: true });
    w.ch.sendToQueue("q", { bytes: 1 });
    w.run();
    expect(got.map((d) => d.properties.deliveryMode)).toEqual([2, undefined]);
  });

  it("a persistent message to a durable queue is confirmed after the runtime persisted it", () => {
    const w = world();
    const persisted: number[] = [];
    const rt = w.broker.runtime;
    const original = rt.persist.bind(rt);
    rt.persist = (node, bytes, action, arg) => {
      persisted.push(bytes);
      original(node, bytes, action, arg);
    };
    w.ch.assertQueue("durable", { durable: true });
    w.ch.assertQueue("transient", { durable: false });
    w.ch.confirmSelect();
    w.ch.sendToQueue("durable", { bytes: 100 }, { persistent: true });
    w.ch.sendToQueue("transient", { bytes: 200 }, { persistent: true });
    w.ch.sendToQueue("durable", { bytes: 300 });
    w.run();
    expect(persisted).toEqual([100]);
  });

  it("messages from one channel to one queue keep their order (AMQP 4.7)", () => {
    const w = world();
    w.ch.assertQueue("q");
    const got = collect(w.ch, "q", { noAck: true });
    for (let i = 0; i < 50; i++) w.ch.sendToQueue("q", { bytes: 1, body: i });
    w.run();
    expect(got.map((d) => d.body)).toEqual([...Array(50).keys()]);
  });
});

describe("method callbacks", () => {
  it("one callback function passed to several calls is called once per reply", () => {
    const w = world();
    const oks: string[] = [];
    const cb = (_e: unknown, ok: { queue: string }): void => {
      oks.push(ok.queue);
    };
    w.ch.assertQueue("a", {}, cb);
    w.ch.assertQueue("b", {}, cb);
    w.run();
    expect(oks).toEqual(["a", "b"]);
  });
});
