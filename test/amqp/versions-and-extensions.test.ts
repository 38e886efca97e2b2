import { describe, expect, it } from "vitest";
import { Broker, parseVersion, Queue } from "../../src/amqp/index.js";
import { FreeRuntime } from "../../src/cluster/free-runtime.js";
import { Simulator } from "../../src/engine/simulator.js";
import { minutes } from "../../src/engine/time.js";
import { collect, world } from "./helpers.js";

describe("versions, queue types and other broker options", () => {
  it("parses the modelled versions 3.10 .. 4.x and refuses others", () => {
    expect(parseVersion("3.10")).toMatchObject({ major: 3, minor: 10 });
    expect(parseVersion("3.10.8")).toMatchObject({ major: 3, minor: 10 });
    expect(parseVersion("4.x")).toMatchObject({ major: 4 });
    expect(() => parseVersion("3.8")).toThrow(/not modelled/);
    expect(() => parseVersion("five")).toThrow(/expected/);
  });

  it("4.3 refuses transient non-exclusive queues (transient_nonexcl_queues deprecation); 3.10 allows them", () => {
    const codes: number[] = [];
    for (const v of ["3.10", "4.3"]) {
      const w = world(v);
      w.ch.assertQueue("t", { durable: false }, (e) => codes.push(e ? e.code : 200));
      w.ch.assertQueue("e", { durable: false, exclusive: true });
      w.run();
    }
    expect(codes).toEqual([200, 406]);
  });

  it("an unknown x-queue-type is refused with 406; a registered type builds the queue", () => {
    const w = world();
    class Custom extends Queue {}
    w.broker.queueTypes.set("custom", Custom);
    let code = 0;
    w.ch.assertQueue("c", { arguments: { "x-queue-type": "custom" } });
    w.ch.assertQueue("bad", { arguments: { "x-queue-type": "nonsense" } }, (e) => {
      code = e!.code;
    });
    w.run();
    expect(w.broker.vhost("/").queues.get("c")).toBeInstanceOf(Custom);
    expect(code).toBe(406);
  });

  it("an invalid per-message expiration closes the channel with 406", () => {
    const w = world();
    w.ch.assertQueue("q");
    const texts: string[] = [];
    w.ch.on("error", (e) => texts.push(e.text));
    w.ch.sendToQueue("q", { bytes: 1 }, { expiration: "soon" });
    w.run();
    expect(texts).toEqual(["PRECONDITION_FAILED - invalid expiration 'soon': no_integer"]);
  });

  it("the delivery acknowledgement timeout closes the channel with 406 and requeues its deliveries", () => {
    const sim = new Simulator();
    const broker = new Broker(sim, { runtime: new FreeRuntime(sim), consumerTimeout: minutes(30) });
    const ch = broker.connect({ name: "slow" }).createChannel();
    ch.assertQueue("q");
    collect(ch, "q");
    ch.sendToQueue("q", { bytes: 1 });
    const errors: number[] = [];
    ch.on("error", (e) => errors.push(e.code));
    sim.run({ until: minutes(29) });
    expect(errors).toEqual([]);
    sim.run();
    expect(errors).toEqual([406]);
    // checked once per minute: closes between 30 and 31 minutes after the delivery
    expect(sim.now).toBeGreaterThan(minutes(30));
    expect(sim.now).toBeLessThanOrEqual(minutes(31));
    expect(broker.vhost("/").queues.get("q")!.messageCount).toBe(1);
    expect(broker.finish().total.queued).toBe(1);
  });

  it("finish() runs registered finishers before counting, so held copies can get their fate", () => {
    const w = world();
    w.ch.assertQueue("q");
    w.ch.sendToQueue("q", { bytes: 1 });
    w.run();
    const held = w.broker.vhost("/").queues.get("q")!.drainReady();
    w.broker.addFinisher(() => {
      for (const qm of held) w.broker.recordFate(qm.msg.id, "q", "lost", "node-crash");
    });
    expect(w.broker.finish().total.lost).toBe(1);
  });
});

describe("quorum queue declaration and consume rules (until the cluster layer registers its type)", () => {
  it("a quorum queue must be durable, not exclusive, not auto-delete and not server-named (406)", () => {
    const w = world();
    const codes: number[] = [];
    const q = { "x-queue-type": "quorum" };
    const ch = (): ReturnType<typeof w.conn.createChannel> => {
      const c = w.conn.createChannel();
      c.on("error", () => {});
      return c;
    };
    ch().assertQueue("ok", { arguments: q }, (e) => codes.push(e ? e.code : 200));
    ch().assertQueue("t", { durable: false, arguments: q }, (e) => codes.push(e ? e.code : 200));
    ch().assertQueue("x", { exclusive: true, arguments: q }, (e) => codes.push(e ? e.code : 200));
    ch().assertQueue("a", { autoDelete: true, arguments: q }, (e) => codes.push(e ? e.code : 200));
    ch().assertQueue("", { arguments: q }, (e) => codes.push(e ? e.code : 200));
    w.run();
    expect(codes).toEqual([200, 406, 406, 406, 406]);
  });

  it("consuming from a quorum queue with global qos is refused (540, a connection error); the exclusive flag is ignored", () => {
    const w = world();
    w.ch.assertQueue("qq", { arguments: { "x-queue-type": "quorum" } });
    w.ch.consume("qq", () => {}, { exclusive: true });
    const other = w.conn.createChannel();
    let shared = 0;
    other.consume(
      "qq",
      () => {},
      {},
      (e) => {
        shared = e ? e.code : 200;
      },
    );
    w.run();
    expect(shared).toBe(200);
    const conn2 = w.broker.connect({ name: "global" });
    const codes: number[] = [];
    conn2.on("error", (i) => codes.push(i.code));
    const g = conn2.createChannel();
    g.prefetch(10, true);
    g.consume("qq", () => {});
    w.run();
    expect(codes).toEqual([540]);
  });
});
