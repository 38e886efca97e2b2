import { afterEach } from "vitest";
import { Broker, type Channel, type Connection, type Delivery } from "../../src/amqp/index.js";
import { FreeRuntime } from "../../src/cluster/free-runtime.js";
import { Simulator } from "../../src/engine/simulator.js";

/** Every broker made through world() has its fate invariant checked when the test ends. */
const live: Broker[] = [];
afterEach(() => {
  const brokers = live.splice(0);
  for (const b of brokers) b.finish();
});

export interface World {
  sim: Simulator;
  broker: Broker;
  conn: Connection;
  ch: Channel;
  run(): void;
}

export function world(version = "3.10"): World {
  const sim = new Simulator();
  const broker = new Broker(sim, { runtime: new FreeRuntime(sim), version });
  live.push(broker);
  const conn = broker.connect({ name: "client" });
  const ch = conn.createChannel();
  return { sim, broker, conn, ch, run: () => void sim.run({ maxEvents: 1_000_000 }) };
}

/** Collect deliveries of a consumer as "body" strings. */
export function collect(
  ch: Channel,
  queue: string,
  opts: Parameters<Channel["consume"]>[2] = {},
): Delivery[] {
  const out: Delivery[] = [];
  ch.consume(queue, (d) => d && out.push(d), opts);
  return out;
}
