import { describe, expect, it } from "vitest";
import { Broker, type Delivery } from "../../src/amqp/index.js";
import { ClusterRuntime, clusterConfig, DEFAULT_COSTS } from "../../src/cluster/index.js";
import { RandomStreams } from "../../src/engine/random.js";
import { Simulator } from "../../src/engine/simulator.js";
import { NS_PER_S } from "../../src/engine/time.js";

describe("capacity of one classic queue with a consumer (queueing theory: a saturated single server)", () => {
  it("publish, deliver and ack of every message all run on the queue's process: throughput saturates at 1 / (enqueue + deliver + ack + 2 x bytes x perByte) within 2 %", () => {
    const bytes = 1024;
    const sim = new Simulator();
    // 16 cores: channel and connection processes never compete with the queue for a core
    const rt = new ClusterRuntime(sim, new RandomStreams(3), clusterConfig([{ name: "a", cores: 16 }]));
    const broker = new Broker(sim, { runtime: rt, version: "3.13" });
    const sub = broker.connect({ name: "consumer", node: "a" }).createChannel();
    sub.prefetch(2000);
    let consumed = 0;
    const from = NS_PER_S / 2;
    const to = 1.5 * NS_PER_S;
    sub.consume("work", (d: Delivery | null) => {
      if (!d) return;
      if (sim.now >= from && sim.now < to) consumed++;
      sub.ack(d);
    });
    // 8 producers offering 20 k msg/s each (about 4 x the queue's capacity), credit flow on
    const producers = Array.from({ length: 8 }, (_, i) =>
      broker.connect({ name: `producer-${i}`, node: "a" }).createChannel(),
    );
    producers[0]!.assertQueue("work", {}, () => {
      for (const p of producers) {
        const tick = (): void => {
          if (sim.now >= to) return;
          p.sendToQueue("work", { bytes });
          sim.schedule(50_000, tick);
        };
        tick();
      }
    });
    sim.run({ until: to + NS_PER_S / 10 });
    const c = DEFAULT_COSTS;
    const perMessage = c.enqueue + c.deliver + c.ack + 2 * bytes * c.perByte; // ns
    const expected = ((to - from) / perMessage) * 1; // messages in the window
    expect(Math.abs(consumed - expected) / expected).toBeLessThan(0.02);
  });
});
