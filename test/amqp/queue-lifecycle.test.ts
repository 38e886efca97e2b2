import { describe, expect, it } from "vitest";
import { milliseconds, seconds } from "../../src/engine/time.js";
import { collect, world } from "./helpers.js";

describe("queue lifecycle and declaration rules (reference C)", () => {
  it("an exclusive queue refuses other connections with 405 RESOURCE_LOCKED", () => {
    const w = world();
    w.ch.assertQueue("mine", { exclusive: true });
    const other = w.broker.connect({ name: "other" }).createChannel();
    let code = 0;
    other.on("error", () => {});
    other.checkQueue("mine", (e) => {
      code = e!.code;
    });
    w.run();
    expect(code).toBe(405);
  });

  it("an exclusive queue is deleted when its connection closes, its messages lost", () => {
    const w = world();
    w.ch.assertQueue("mine", { exclusive: true });
    w.ch.sendToQueue("mine", { bytes: 1 });
    w.run();
    w.conn.close();
    w.run();
    expect(w.broker.vhost("/").queues.has("mine")).toBe(false);
    const f = w.broker.finish();
    expect(f.queues.get("mine")!.lost).toBe(1);
  });

  it("an exclusive queue lives on the node the client is connected to", () => {
    const w = world();
    let node = "";
    w.ch.assertQueue("e", { exclusive: true }, () => {
      node = w.broker.vhost("/").queues.get("e")!.node;
    });
    w.run();
    expect(node).toBe(w.conn.node);
  });

  it("an auto-delete queue is deleted when its last consumer is cancelled, never before it had one", () => {
    const w = world();
    w.ch.assertQueue("ad", { autoDelete: true });
    w.run();
    const vh = w.broker.vhost("/");
    expect(vh.queues.has("ad")).toBe(true);
    const tag = w.ch.consume("ad", () => {});
    w.run();
    w.ch.cancel(tag);
    w.run();
    expect(vh.queues.has("ad")).toBe(false);
  });

  it("x-expires deletes an unused queue; a redeclare, a passive declare and basic.get renew the lease", () => {
    const w = world("3.10");
    w.ch.assertQueue("tmp", { arguments: { "x-expires": 1000 } });
    w.ch.assertQueue("got", { arguments: { "x-expires": 1000 } });
    w.ch.assertQueue("checked", { arguments: { "x-expires": 1000 } });
    w.ch.assertQueue("idle", { arguments: { "x-expires": 1000 } });
    w.ch.sendToQueue("tmp", { bytes: 1 });
    w.sim.run({ until: milliseconds(900) });
    w.ch.assertQueue("tmp", { arguments: { "x-expires": 1000 } });
    w.ch.get("got");
    w.ch.checkQueue("checked");
    w.sim.run({ until: milliseconds(1500) });
    const vh = w.broker.vhost("/");
    expect(vh.queues.has("tmp")).toBe(true);
    expect(vh.queues.has("got")).toBe(true);
    expect(vh.queues.has("checked")).toBe(true);
    expect(vh.queues.has("idle")).toBe(false);
    w.sim.run({ until: seconds(3) });
    expect(vh.queues.has("tmp")).toBe(false);
    // not dead-lettered: lost with the queue
    expect(w.broker.finish().queues.get("tmp")!.lost).toBe(1);
  });

  it("a queue with a consumer does not expire", () => {
    const w = world();
    w.ch.assertQueue("tmp", { arguments: { "x-expires": 100 } });
    w.ch.consume("tmp", () => {});
    w.sim.run({ until: seconds(5) });
    expect(w.broker.vhost("/").queues.has("tmp")).toBe(true);
  });

  it("x-expires of 0 is refused with 406", () => {
    const w = world();
    let code = 0;
    w.ch.assertQueue("bad", { arguments: { "x-expires": 0 } }, (e) => {
      code = e!.code;
    });
    w.run();
    expect(code).toBe(406);
  });

  it("redeclaring a queue with different properties fails with 406 PRECONDITION_FAILED", () => {
    const w = world();
    w.ch.assertQueue("q", { durable: true });
    let text = "";
    w.ch.assertQueue("q", { durable: false }, (e) => {
      text = e!.text;
    });
    w.run();
    expect(text).toMatch(/^PRECONDITION_FAILED - inequivalent arg 'durable' for queue 'q'/);
  });

  it("redeclaring a queue with different x-arguments fails with 406", () => {
    const w = world();
    w.ch.assertQueue("q", { arguments: { "x-max-length": 5 } });
    let code = 0;
    w.ch.assertQueue("q", { arguments: { "x-max-length": 6 } }, (e) => {
      code = e!.code;
    });
    w.run();
    expect(code).toBe(406);
  });

  it("a queue name starting with amq. is refused with 403", () => {
    const w = world();
    let code = 0;
    w.ch.assertQueue("amq.mine", {}, (e) => {
      code = e!.code;
    });
    w.run();
    expect(code).toBe(403);
  });

  it("a queue declared with the name '' gets a server-generated amq.gen- name", () => {
    const w = world();
    const names: string[] = [];
    w.ch.assertQueue("", { exclusive: true }, (_e, ok) => names.push(ok.queue));
    w.ch.assertQueue("", { exclusive: true }, (_e, ok) => names.push(ok.queue));
    w.run();
    expect(names[0]).toMatch(/^amq\.gen-[A-Za-z0-9_-]{22}$/);
    expect(names[1]).not.toBe(names[0]);
  });

  it("server-generated queue names are distinct for many queues", () => {
    const w = world();
    const names = new Set<string>();
    for (let i = 0; i < 500; i++) w.ch.assertQueue("", { exclusive: true }, (_e, ok) => names.add(ok.queue));
    w.run();
    expect(names.size).toBe(500);
  });

  it("declare-ok reports message and consumer counts; checkQueue of a missing queue is 404", () => {
    const w = world();
    w.ch.assertQueue("q");
    w.ch.sendToQueue("q", { bytes: 1 });
    w.ch.sendToQueue("q", { bytes: 1 });
    const oks: unknown[] = [];
    w.ch.assertQueue("q", {}, (_e, ok) => oks.push(ok));
    w.run();
    expect(oks).toEqual([{ queue: "q", messageCount: 2, consumerCount: 0 }]);
    let code = 0;
    w.ch.checkQueue("nope", (e) => {
      code = e!.code;
    });
    w.run();
    expect(code).toBe(404);
  });

  it("deleteQueue ifUnused / ifEmpty refuse with 406 when the queue is in use / not empty", () => {
    const w = world();
    w.ch.assertQueue("q");
    w.ch.sendToQueue("q", { bytes: 1 });
    let code = 0;
    w.ch.deleteQueue("q", { ifEmpty: true }, (e) => {
      code = e!.code;
    });
    w.run();
    expect(code).toBe(406);
    const ch2 = w.conn.createChannel();
    ch2.consume("q", () => {});
    const ch3 = w.conn.createChannel();
    ch3.deleteQueue("q", { ifUnused: true }, (e) => {
      code = e ? e.code : 0;
    });
    w.run();
    expect(code).toBe(406);
  });

  it("purgeQueue removes ready messages and reports how many", () => {
    const w = world();
    w.ch.assertQueue("q");
    for (let i = 0; i < 3; i++) w.ch.sendToQueue("q", { bytes: 1 });
    let n = -1;
    w.ch.purgeQueue("q", (_e, ok) => {
      n = ok.messageCount;
    });
    w.run();
    expect(n).toBe(3);
    expect(w.broker.finish().queues.get("q")!.lost).toBe(3);
  });

  it("vhosts are isolated namespaces", () => {
    const w = world();
    const other = w.broker.connect({ name: "b", vhost: "other" }).createChannel();
    w.ch.assertQueue("q");
    let code = 0;
    other.checkQueue("q", (e) => {
      code = e!.code;
    });
    w.run();
    expect(code).toBe(404);
  });

  it("deleting a queue cancels its consumers with a notification (consumer callback gets null)", () => {
    const w = world();
    w.ch.assertQueue("q");
    const seen: (string | null)[] = [];
    w.ch.consume("q", (d) => seen.push(d === null ? null : "msg"));
    const cancels: string[] = [];
    w.ch.on("cancel", (t) => cancels.push(t));
    w.run();
    w.conn.createChannel().deleteQueue("q");
    w.run();
    expect(seen).toEqual([null]);
    expect(cancels.length).toBe(1);
  });

  it("every queue records the node that hosts it", () => {
    const w = world();
    w.ch.assertQueue("q");
    w.run();
    expect(w.broker.vhost("/").queues.get("q")!.node).toBe("rabbit@node1");
    collect(w.ch, "q");
  });
});

describe("connection-level errors and deleted queues", () => {
  it("an unknown exchange type closes the whole connection with 503 COMMAND_INVALID", () => {
    const w = world();
    const other = w.conn.createChannel();
    const events: string[] = [];
    w.conn.on("error", (i) => events.push(`connection error ${i.code}`));
    other.on("close", () => events.push("other channel closed"));
    w.ch.assertExchange("x", "nope", {}, (e) => events.push(`callback ${e?.code}`));
    w.run();
    expect(events).toContain("other channel closed");
    expect(events).toContain("connection error 503");
    expect(events).toContain("callback 503");
    expect(w.conn.clientOpen).toBe(false);
  });

  it("reusing a consumer tag on a channel is a connection error 530 NOT_ALLOWED", () => {
    const w = world();
    w.ch.assertQueue("q");
    w.ch.consume("q", () => {}, { consumerTag: "c1" });
    const codes: number[] = [];
    w.conn.on("error", (i) => codes.push(i.code));
    w.ch.consume("q", () => {}, { consumerTag: "c1" });
    w.run();
    expect(codes).toEqual([530]);
  });

  it("an ack of a delivery whose queue was deleted is accepted silently", () => {
    const w = world();
    w.ch.assertQueue("q");
    const got = collect(w.ch, "q");
    w.ch.sendToQueue("q", { bytes: 1 });
    w.run();
    w.conn.createChannel().deleteQueue("q");
    w.run();
    const errors: number[] = [];
    w.ch.on("error", (e) => errors.push(e.code));
    w.ch.ack(got[0]!);
    w.run();
    expect(errors).toEqual([]);
    expect(w.broker.finish().queues.get("q")!.lost).toBe(1);
  });

  it("an exclusive consumer on a single-active-consumer queue is refused with 403", () => {
    const w = world();
    w.ch.assertQueue("q", { arguments: { "x-single-active-consumer": true } });
    let code = 0;
    w.ch.consume(
      "q",
      () => {},
      { exclusive: true },
      (e) => {
        code = e!.code;
      },
    );
    w.run();
    expect(code).toBe(403);
  });

  it("a requeue into a queue at x-max-length drops the head (the requeued oldest message)", () => {
    const w = world();
    w.ch.assertQueue("q", { arguments: { "x-max-length": 1 } });
    w.ch.sendToQueue("q", { bytes: 1, body: "m1" });
    const got: unknown[] = [];
    w.ch.get("q", {}, (_e, m) => got.push(m));
    w.ch.sendToQueue("q", { bytes: 1, body: "m2" });
    w.run();
    const m1 = got[0] as Parameters<typeof w.ch.nack>[0];
    w.ch.nack(m1, false, true);
    w.run();
    const q = w.broker.vhost("/").queues.get("q")!;
    expect([...q.readyMessages()].map((m) => m.msg.body)).toEqual(["m2"]);
  });

  it("basic.get-ok's message count excludes expired messages that became the head", () => {
    const w = world();
    w.ch.assertQueue("q");
    w.ch.sendToQueue("q", { bytes: 1, body: "m1" });
    w.ch.sendToQueue("q", { bytes: 1, body: "m2" }, { expiration: "200" });
    w.ch.sendToQueue("q", { bytes: 1, body: "m3" });
    w.sim.run({ until: milliseconds(600) });
    let count = -1;
    w.ch.get("q", { noAck: true }, (_e, m) => {
      count = m ? (m.fields.messageCount ?? -1) : -1;
    });
    w.sim.run({ until: milliseconds(700) });
    expect(count).toBe(1);
  });
});

describe("redeclare equivalence (rabbit_amqqueue / rabbit_exchange assert_equivalence)", () => {
  it("a queue redeclared with another exclusive flag is 405 RESOURCE_LOCKED, not 406", () => {
    const w = world();
    w.ch.assertQueue("q");
    let code = 0;
    w.ch.assertQueue("q", { exclusive: true }, (e) => {
      code = e!.code;
    });
    w.run();
    expect(code).toBe(405);
  });

  it("a queue redeclare compares only the x-arguments RabbitMQ knows", () => {
    const w = world();
    w.ch.assertQueue("q", { arguments: { "x-custom": 1, "x-max-length": 5 } });
    const results: number[] = [];
    w.ch.assertQueue("q", { arguments: { "x-custom": 2, "x-max-length": 5 } }, (e) =>
      results.push(e ? e.code : 200),
    );
    w.ch.assertQueue("q", { arguments: { "x-max-length": 6 } }, (e) => results.push(e ? e.code : 200));
    w.run();
    expect(results).toEqual([200, 406]);
  });

  it("an exchange redeclare compares alternate-exchange but no other argument", () => {
    const w = world();
    w.ch.assertExchange("x", "direct", { alternateExchange: "a", arguments: { other: 1 } });
    const results: number[] = [];
    w.ch.assertExchange("x", "direct", { alternateExchange: "a", arguments: { other: 2 } }, (e) =>
      results.push(e ? e.code : 200),
    );
    w.ch.assertExchange("x", "direct", { alternateExchange: "b" }, (e) => results.push(e ? e.code : 200));
    w.run();
    expect(results).toEqual([200, 406]);
  });
});
