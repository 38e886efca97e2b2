import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { AleaStream, RandomStreams } from "../../src/engine/random.js";

describe("AleaStream", () => {
  it("draws exactly what seedrandom's alea draws for the same seed, to the last bit", () => {
    for (const seed of ["amqpsim/7/link:c:a|n:rabbit-1", "", "x", "amqpsim/0/rpc/compute-999"]) {
      const ours = new AleaStream("s", seed);
      const theirs = seedrandom.alea(seed);
      for (let i = 0; i < 10_000; i++) expect(ours.next()).toBe(theirs());
    }
  });

  it("RandomStreams.stream(name) is Alea seeded with amqpsim/<seed>/<name>", () => {
    const s = new RandomStreams(42).stream("producer");
    const ref = seedrandom.alea("amqpsim/42/producer");
    for (let i = 0; i < 100; i++) expect(s.next()).toBe(ref());
  });
});
