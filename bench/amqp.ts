/**
 * AMQP routing benchmark (issue 3): producer → topic exchange with B bindings → one queue →
 * consumer with prefetch 100 and manual ack, N messages, FreeRuntime (no broker costs).
 * Figure: simulated messages per wall-clock second; B = 10,000 against B = 100 as the ratio
 * (topic routing is a trie walk, so it must not slow in proportion to B).
 */
import { Broker } from "../src/amqp/index.js";
import { FreeRuntime } from "../src/cluster/free-runtime.js";
import { Simulator } from "../src/engine/simulator.js";
import type { Benchmark } from "./harness.js";
import { runWindowed } from "./windowed.js";

/** Publishes `messages` in windows of `window` (a producer that keeps `window` messages ahead). */
export function topicPipeline(bindings: number, messages: number, window = 1000): number {
  const sim = new Simulator();
  const broker = new Broker(sim, { runtime: new FreeRuntime(sim) });
  const conn = broker.connect({ name: "bench" });
  const ch = conn.createChannel();
  ch.assertExchange("x", "topic", { durable: false });
  ch.assertQueue("q", { durable: false });
  // B bindings of distinct patterns; one of them ("orders.eu.*") matches the published key
  for (let i = 0; i < bindings - 1; i++) {
    ch.bindQueue("q", "x", `svc${i}.${i % 7 === 0 ? "*" : "created"}.#`);
    // declare in batches, as a client awaiting bind-ok would: the setup's short-lived records
    // then die young instead of being promoted and slowing the measured phase with old-gen GC
    if (i % 100 === 99) sim.run();
  }
  ch.bindQueue("q", "x", "orders.eu.*");
  ch.prefetch(100);
  const content = { bytes: 256 };
  return runWindowed({
    sim,
    broker,
    consumer: ch,
    queue: "q",
    publishOne: () => ch.publish("x", "orders.eu.created", content),
    messages,
    window,
    refillBelow: window,
  });
}

const N = 1_000_000;

export const benchmarks: Benchmark[] = [
  {
    group: "amqp",
    name: "topic exchange → queue → consumer (prefetch 100, manual ack), 1 M messages, FreeRuntime",
    unit: "messages",
    baseline: "100 bindings",
    rounds: 3,
    cases: [
      { name: "100 bindings", run: () => topicPipeline(100, N) },
      { name: "10,000 bindings", run: () => topicPipeline(10_000, N) },
    ],
  },
];
