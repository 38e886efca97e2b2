import { describe, expect, it } from "vitest";
import { Broker } from "../../src/amqp/broker.js";
import type { HaPolicy } from "../../src/amqp/replicated/mirrored.js";
import { NodeFailureHandler } from "../../src/amqp/replicated/node-failure.js";
import type { FateSignal } from "../../src/amqp/signals.js";
import { ClusterRuntime, clusterConfig } from "../../src/cluster/index.js";
import { RandomStreams } from "../../src/engine/random.js";
import { Simulator } from "../../src/engine/simulator.js";
import { NS_PER_S } from "../../src/engine/time.js";

function setup(policy: HaPolicy) {
  const sim = new Simulator();
  const rt = new ClusterRuntime(sim, new RandomStreams(1), clusterConfig(["a", "b", "c"]));
  const broker = new Broker(sim, { runtime: rt, version: "3.13" });
  const handler = new NodeFailureHandler(broker, rt, (q) => (q.name === "ha" ? policy : undefined));
  const fates: FateSignal[] = [];
  broker.signals.fate.subscribe((f) => fates.push(f));
  const markers: string[] = [];
  broker.signals.marker.subscribe((m) => markers.push(m.label));
  broker.connect({ name: "admin", node: "a" }).createChannel().assertQueue("ha", { durable: true });
  const p = broker.connect({ name: "p", node: "c" }).createChannel();
  const publish = (n: number) => {
    for (let i = 0; i < n; i++) p.sendToQueue("ha", { bytes: 100 }, { persistent: true });
  };
  return { sim, rt, broker, handler, fates, markers, publish };
}

describe("classic mirrored queues (3.13)", () => {
  it("promoting a mirror that rejoined empty loses the messages only the old leader had (mirror-promotion)", () => {
    const { sim, rt, broker, handler, fates, markers, publish } = setup({
      mode: "exactly",
      params: 2,
      syncMode: "manual",
    });
    sim.run({ until: 0.5 * NS_PER_S });
    const q = broker.vhost("/").queues.get("ha")!;
    expect(handler.mirrored.mirrorNodes(q, "a")).toEqual(["b"]);
    publish(5);
    sim.run({ until: NS_PER_S });
    rt.crash("b");
    rt.start("b"); // the mirror on b rejoins empty: unsynchronised since 1 s
    publish(3);
    sim.run({ until: 2 * NS_PER_S });
    rt.crash("a");
    expect(handler.leaderOf(q)).toBe("b");
    expect(fates.map((f) => `${f.fate}/${f.lossCause}`)).toEqual(Array(5).fill("lost/mirror-promotion"));
    expect(q.messageCount).toBe(3);
    expect(markers).toEqual(["ha: mirror on b promoted (was a), unsynchronised: 5 messages lost"]);
    // the promoted leader serves the queue: new publishes are enqueued on b
    publish(2);
    sim.run({ until: 3 * NS_PER_S });
    expect(q.messageCount).toBe(5);
  });

  it("a synchronised mirror (ha-sync-mode automatic) is promoted without loss", () => {
    const { sim, rt, broker, fates, publish } = setup({ mode: "all", syncMode: "automatic" });
    sim.run({ until: 0.5 * NS_PER_S });
    publish(5);
    sim.run({ until: NS_PER_S });
    rt.crash("b");
    rt.start("b");
    sim.run({ until: 2 * NS_PER_S });
    rt.crash("a");
    expect(fates).toEqual([]);
    expect(broker.vhost("/").queues.get("ha")!.messageCount).toBe(5);
  });
});
