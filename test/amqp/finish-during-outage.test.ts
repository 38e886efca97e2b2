import { expect, it } from "vitest";
import { Broker } from "../../src/amqp/broker.js";
import { NodeFailureHandler } from "../../src/amqp/replicated/node-failure.js";
import { ClusterRuntime, clusterConfig } from "../../src/cluster/index.js";
import { RandomStreams } from "../../src/engine/random.js";
import { Simulator } from "../../src/engine/simulator.js";
import { NS_PER_MS } from "../../src/engine/time.js";

it("a run that ends while a node is down counts its durable queue's persistent messages as queued", () => {
  const sim = new Simulator();
  const rt = new ClusterRuntime(sim, new RandomStreams(1), clusterConfig(["rabbit-1", "rabbit-2"]));
  const broker = new Broker(sim, { runtime: rt, version: "3.13" });
  new NodeFailureHandler(broker, rt);
  const ch = broker.connect({ name: "app", node: "rabbit-1" }).createChannel();
  ch.assertQueue("durable", { durable: true });
  sim.run({ until: 10 * NS_PER_MS });
  for (let i = 0; i < 4; i++) ch.sendToQueue("durable", { bytes: 100 }, { persistent: true });
  sim.run({ until: 500 * NS_PER_MS }); // past the fsync interval: all four on disk
  rt.crash(broker.vhost("/").queues.get("durable")!.node);
  const f = broker.finish();
  expect(f.total.queued).toBe(4);
});
