import type { Broker, Channel, Delivery } from "../src/amqp/index.js";
import type { Simulator } from "../src/engine/simulator.js";

/** How a benchmark publishes one message, where it consumes, and when it refills. */
export interface WindowedPipeline {
  readonly sim: Simulator;
  readonly broker: Broker;
  /** The channel that consumes (and acks each delivery). */
  readonly consumer: Channel;
  readonly queue: string;
  /** Publish one message. */
  readonly publishOne: () => void;
  readonly messages: number;
  /** Messages kept ahead of the consumer. */
  readonly window: number;
  /** Top the window up once fewer than this many are outstanding (window: after every delivery). */
  readonly refillBelow: number;
}

/**
 * Run a producer that keeps `window` messages ahead of a consumer acking each delivery, until
 * `messages` are consumed, and check that every one was acked. Returns the messages consumed.
 * `start` defers the first publish (e.g. until a queue.declare-ok); by default it runs at once.
 */
export function runWindowed(p: WindowedPipeline, start: (go: () => void) => void = (go) => go()): number {
  let consumed = 0;
  let published = 0;
  const publishSome = (): void => {
    const target = Math.min(p.messages, consumed + p.window);
    while (published < target) {
      p.publishOne();
      published++;
    }
  };
  const onMessage = (d: Delivery | null): void => {
    if (!d) return;
    consumed++;
    p.consumer.ack(d);
    if (published < p.messages && published - consumed < p.refillBelow) publishSome();
  };
  start(() => {
    p.consumer.consume(p.queue, onMessage);
    publishSome();
  });
  p.sim.run();
  const f = p.broker.finish();
  if (consumed !== p.messages || f.total.acked !== p.messages) {
    throw new Error(`bench: consumed ${consumed}, acked ${f.total.acked}, expected ${p.messages}`);
  }
  return consumed;
}
