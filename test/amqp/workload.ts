import fc from "fast-check";
import { Broker, type Channel, type Delivery } from "../../src/amqp/index.js";
import { FreeRuntime } from "../../src/cluster/free-runtime.js";
import { Simulator } from "../../src/engine/simulator.js";
import { microseconds, milliseconds } from "../../src/engine/time.js";
import { DelayRuntime } from "./delay-runtime.js";

/** Random small workloads for the property tests: a topology, a worker that publishes, settles, closes ... */
export type Op =
  | { kind: "publish"; key: number; ttl: number | null; mandatory: boolean; priority: number }
  | { kind: "settle"; how: "ack" | "nack" | "reject" | "nack-requeue" | "multi-ack"; which: number }
  | { kind: "get"; queue: number }
  | { kind: "close-channel" }
  | { kind: "lose-connection" }
  | { kind: "purge"; queue: number }
  | { kind: "delete"; queue: number }
  | { kind: "advance"; ms: number };

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant("publish" as const),
    key: fc.nat(3),
    ttl: fc.option(fc.nat(20)),
    mandatory: fc.boolean(),
    priority: fc.nat(4),
  }),
  fc.record({
    kind: fc.constant("settle" as const),
    how: fc.constantFrom("ack", "nack", "reject", "nack-requeue", "multi-ack"),
    which: fc.nat(10),
  }),
  fc.record({ kind: fc.constant("get" as const), queue: fc.nat(2) }),
  fc.record({ kind: fc.constant("close-channel" as const) }),
  fc.record({ kind: fc.constant("lose-connection" as const) }),
  fc.record({ kind: fc.constant("purge" as const), queue: fc.nat(2) }),
  fc.record({ kind: fc.constant("delete" as const), queue: fc.nat(2) }),
  fc.record({ kind: fc.constant("advance" as const), ms: fc.nat(30) }),
);

export interface Config {
  prefetch: number;
  maxLength: number | null;
  overflow: "drop-head" | "reject-publish" | "reject-publish-dlx";
  ttl: number | null;
  ops: Op[];
}

export const configArb: fc.Arbitrary<Config> = fc.record({
  prefetch: fc.nat(3),
  maxLength: fc.option(fc.nat(4)),
  overflow: fc.constantFrom("drop-head", "reject-publish", "reject-publish-dlx"),
  ttl: fc.option(fc.nat(20)),
  ops: fc.array(opArb, { maxLength: 40 }),
});

const QUEUES = ["q0", "q1", "q2"];

/** Runs a small random workload; returns the fate trace (one line per fate signal) and the finish result. */
export function runWorkload(cfg: Config, delays?: number): { trace: string[]; copies: number } {
  const sim = new Simulator();
  const runtime = delays === undefined ? new FreeRuntime(sim) : new DelayRuntime(sim, delays);
  const broker = new Broker(sim, { runtime });
  const trace: string[] = [];
  broker.signals.fate.subscribe((f) => trace.push(`${f.time} ${f.msgId} ${f.queue} ${f.fate}`));
  broker.signals.delivered.subscribe((d) =>
    trace.push(`${d.time} deliver ${d.msgId} ${d.queue} ${d.redelivered}`),
  );
  const adminConn = broker.connect({ name: "admin" });
  let admin = adminConn.createChannel();
  admin.assertExchange("t", "topic");
  admin.assertExchange("dlx", "fanout");
  admin.assertQueue("dead");
  admin.bindQueue("dead", "dlx", "");
  const args: Record<string, string | number> = { "x-dead-letter-exchange": "dlx", "x-max-priority": 3 };
  if (cfg.maxLength !== null) {
    args["x-max-length"] = cfg.maxLength;
    args["x-overflow"] = cfg.overflow;
  }
  if (cfg.ttl !== null) args["x-message-ttl"] = cfg.ttl;
  admin.assertQueue("q0", { arguments: args });
  admin.assertQueue("q1", { arguments: { "x-message-ttl": 5 } });
  admin.assertQueue("q2");
  admin.bindQueue("q0", "t", "k0.#");
  admin.bindQueue("q1", "t", "*.x");
  admin.bindQueue("q2", "t", "k2.*");
  admin.bindQueue("q2", "t", "#.x");
  sim.run();
  // purging a deleted queue is a 404 that closes the admin channel: open another
  const adminChannel = (c: Channel): Channel => {
    if (c.clientOpen) return c;
    const n = adminConn.createChannel();
    n.on("error", () => {});
    return n;
  };
  admin.on("error", () => {});

  let conn = broker.connect({ name: "worker" });
  let ch: Channel;
  const deliveries: Delivery[] = [];
  const open = (): void => {
    ch = conn.createChannel();
    ch.on("error", () => {});
    ch.prefetch(cfg.prefetch);
    ch.confirmSelect();
    for (const q of QUEUES) ch.consume(q, (d) => d && deliveries.push(d));
  };
  open();
  const keys = ["k0.a", "k1.x", "k2.x", "none"];
  for (const op of cfg.ops) {
    if (!ch!.clientOpen) {
      if (!conn.clientOpen) conn = broker.connect({ name: "worker" });
      deliveries.length = 0;
      open();
    }
    switch (op.kind) {
      case "publish":
        ch!.publish(
          "t",
          keys[op.key]!,
          { bytes: 10 },
          op.ttl === null
            ? { mandatory: op.mandatory, priority: op.priority }
            : { mandatory: op.mandatory, priority: op.priority, expiration: String(op.ttl) },
        );
        break;
      case "settle": {
        const d = deliveries.splice(op.which % Math.max(1, deliveries.length), 1)[0];
        if (!d) break;
        if (op.how === "ack") ch!.ack(d);
        else if (op.how === "multi-ack") ch!.ack(d, true);
        else if (op.how === "nack") ch!.nack(d, false, false);
        else if (op.how === "nack-requeue") ch!.nack(d, false, true);
        else ch!.reject(d, false);
        if (op.how === "multi-ack") deliveries.length = 0;
        break;
      }
      case "get":
        ch!.get(QUEUES[op.queue]!, { noAck: op.queue === 1 }, (_e, m) => m && deliveries.push(m));
        break;
      case "close-channel":
        ch!.close();
        deliveries.length = 0;
        break;
      case "lose-connection":
        conn.lose();
        deliveries.length = 0;
        break;
      case "purge":
        admin = adminChannel(admin);
        admin.purgeQueue(QUEUES[op.queue]!);
        break;
      case "delete":
        admin = adminChannel(admin);
        admin.deleteQueue(QUEUES[op.queue]!);
        break;
      case "advance":
        sim.run({ until: sim.now + milliseconds(op.ms) });
        break;
    }
    sim.run({ until: sim.now });
  }
  // with delays, stop while work is still under way: finish() must account for copies in transit
  sim.run({ until: sim.now + (delays === undefined ? milliseconds(100) : microseconds(delays % 200)) });
  const f = broker.finish();
  return { trace, copies: f.copies };
}
