import { describe, expect, it } from "vitest";
import { Broker } from "../../src/amqp/index.js";
import type { FateSignal } from "../../src/amqp/signals.js";
import { ClusterRuntime, clusterConfig } from "../../src/cluster/index.js";
import { RandomStreams, Simulator } from "../../src/engine/index.js";

// rabbit_channel handles a channel's frames one at a time, in order: a publish sent right after a
// declare on the same channel is routed after the declare has run, however long the declare takes.
describe("a channel handles its methods in order, also when the broker costs time", () => {
  it("a publish right after assertQueue on the same channel reaches the new queue", () => {
    const sim = new Simulator();
    const rt = new ClusterRuntime(sim, new RandomStreams(1), clusterConfig(["a"]));
    const broker = new Broker(sim, { runtime: rt, version: "3.13" });
    const fates: FateSignal[] = [];
    broker.signals.fate.subscribe((f) => fates.push(f));
    const ch = broker.connect({ name: "c", node: "a" }).createChannel();
    ch.assertExchange("x", "direct");
    ch.assertQueue("q");
    ch.bindQueue("q", "x", "k");
    ch.publish("x", "k", { bytes: 10 });
    sim.run();
    broker.finish();
    expect(fates.map((f) => [f.queue, f.fate])).toEqual([["q", "queued"]]);
  });
});
