/**
 * Cluster benchmark (issue 5): the work-queue path (producer → default exchange → one durable
 * queue → consumer with prefetch 100 and manual ack, 256 B transient messages) on a 3-node
 * cluster with every cost on (CPU per operation, network links, the fsync timer), with a quorum
 * queue (the target: >= 300 k simulated messages per wall second; every copy replicated
 * to two followers) and a classic one, against the same pipeline on the zero-cost FreeRuntime.
 * Figure: simulated messages per wall-clock second; the ratio is what the cost model costs in
 * simulation speed.
 */
import { Broker } from "../src/amqp/index.js";
import { NodeFailureHandler } from "../src/amqp/replicated/node-failure.js";
import { ClusterRuntime } from "../src/cluster/cluster-runtime.js";
import { clusterConfig } from "../src/cluster/config.js";
import { FreeRuntime } from "../src/cluster/free-runtime.js";
import type { BrokerRuntime } from "../src/cluster/runtime.js";
import { RandomStreams } from "../src/engine/random.js";
import { Simulator } from "../src/engine/simulator.js";
import type { Benchmark } from "./harness.js";
import { runWindowed } from "./windowed.js";

export function workQueue(
  costed: boolean,
  messages: number,
  queueType: "classic" | "quorum" = "classic",
  window = 1000,
): number {
  const sim = new Simulator();
  let runtime: BrokerRuntime = new FreeRuntime(sim, ["rabbit-1", "rabbit-2", "rabbit-3"]);
  if (costed) {
    runtime = new ClusterRuntime(
      sim,
      new RandomStreams(1),
      clusterConfig(["rabbit-1", "rabbit-2", "rabbit-3"]),
    );
  }
  const broker = new Broker(sim, { runtime, version: "3.13" });
  if (runtime instanceof ClusterRuntime) new NodeFailureHandler(broker, runtime);
  const pub = broker.connect({ name: "producer", node: "rabbit-1" }).createChannel();
  const sub = broker.connect({ name: "consumer", node: "rabbit-1" }).createChannel();
  sub.prefetch(100);
  const content = { bytes: 256 };
  const args = queueType === "quorum" ? { "x-queue-type": "quorum" } : {};
  return runWindowed(
    {
      sim,
      broker,
      consumer: sub,
      queue: "work",
      publishOne: () => pub.sendToQueue("work", content),
      messages,
      window,
      refillBelow: window / 2,
    },
    // start once the queue exists (a publish before the declare-ok would race it)
    (go) => pub.assertQueue("work", { durable: true, arguments: args }, go),
  );
}

const N = 300_000;

export const benchmarks: Benchmark[] = [
  {
    group: "cluster",
    name: "work queue (prefetch 100, manual ack), 3 nodes, 300 k messages: costs on vs FreeRuntime (target: quorum >= 300 k msg/s)",
    unit: "messages",
    baseline: "FreeRuntime",
    rounds: 3,
    cases: [
      { name: "FreeRuntime", run: () => workQueue(false, N) },
      { name: "ClusterRuntime, costs on, classic queue", run: () => workQueue(true, N) },
      { name: "ClusterRuntime, costs on, quorum queue", run: () => workQueue(true, N, "quorum") },
    ],
  },
];
