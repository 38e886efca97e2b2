import { describe, expect, it } from "vitest";
import { RandomStreams } from "../../src/engine/random.js";
import { mser, mser5 } from "../../src/metrics/warmup.js";

function noisy(n: number, f: (i: number) => number, seed = 3): number[] {
  const rng = new RandomStreams(seed).stream("noise");
  return Array.from({ length: n }, (_, i) => f(i) + (rng.next() - 0.5));
}

describe("MSER-5 warm-up truncation", () => {
  it("a stationary series needs (almost) no truncation", () => {
    const t = mser5(noisy(500, () => 10));
    expect(t.discard).toBeLessThanOrEqual(25);
    expect(t.steady).toBe(true);
  });

  it("discards an initial ramp: a series that rises from 0 to 10 over 100 observations is cut near 100", () => {
    const t = mser5(noisy(1000, (i) => (i < 100 ? i / 10 : 10)));
    expect(t.discard % 5).toBe(0);
    expect(t.discard).toBeGreaterThanOrEqual(70);
    expect(t.discard).toBeLessThanOrEqual(130);
  });

  it("never truncates more than half; a transient longer than half the run is reported as not steady", () => {
    // approaches its level with time constant 60 observations: still 3 % off at observation 200
    const t = mser5(Array.from({ length: 200 }, (_, i) => 1 - Math.exp(-i / 60)));
    expect(t.discard).toBeLessThanOrEqual(100);
    expect(t.steady).toBe(false);
  });

  it("batch size 1 is plain MSER; too-short series are left alone", () => {
    expect(mser([5, 0, 0, 0, 0, 0, 0, 0], 1).discard).toBe(1);
    expect(mser5([1, 2, 3]).discard).toBe(0);
  });
});
