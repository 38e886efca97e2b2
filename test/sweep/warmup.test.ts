import { describe, expect, it } from "vitest";
import { RandomStreams } from "../../src/engine/random.js";
import { Signal } from "../../src/engine/signal.js";
import { mser, mser5, SteadyStateCollector, type Warmup } from "../../src/metrics/warmup.js";

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
    expect(mser([0, 5, 5, 5, 5, 5, 5, 5], 1).discard).toBe(1);
    // a higher start is noise (or overload), never a warm-up from empty: kept
    expect(mser([50, 5, 5, 5, 5, 5, 5, 5], 1).discard).toBe(0);
    expect(mser5([1, 2, 3]).discard).toBe(0);
  });
});

describe("steady-state collector", () => {
  function feed(warmup: Warmup) {
    const delivered = new Signal<{ time: number; publishedAt: number; enqueuedAt: number }>();
    const settled = new Signal<{ time: number; kind: string }>();
    const c = new SteadyStateCollector({ delivered, settled }, warmup);
    // deliveries every 10 ms for 10 s; latency 1 ms for the first 2 s (empty system), then 5 ms
    for (let i = 0; i < 1000; i++) {
      const time = i * 10e6;
      const lat = time < 2e9 ? 1e6 : 5e6;
      delivered.emit({ time, publishedAt: time - lat, enqueuedAt: time - lat / 2 });
      settled.emit({ time: time + 1, kind: i % 2 === 0 ? "ack" : "reject" });
    }
    return c.finish(10e9);
  }

  it("a fixed warm-up discards deliveries before it and rates divide by the remaining time", () => {
    const s = feed({ kind: "fixed", ns: 2e9 });
    expect(s.warmup).toBe(2);
    expect(s.count).toBe(800);
    expect(s.latency.mean).toBeCloseTo(0.005, 12);
    expect(s.queueWait.p99).toBeCloseTo(0.0025, 12);
    expect(s.throughput.delivered).toBeCloseTo(100, 9);
    expect(s.throughput.consumed).toBeCloseTo(50, 9);
  });

  it("no warm-up keeps the transient, which biases the mean low", () => {
    const s = feed({ kind: "none" });
    expect(s.count).toBe(1000);
    expect(s.latency.mean).toBeCloseTo(0.2 * 0.001 + 0.8 * 0.005, 12);
    expect(s.latency.p50).toBeCloseTo(0.005, 12);
  });

  it("MSER-5 finds the 2 s transient by itself", () => {
    const s = feed({ kind: "mser5" });
    expect(s.warmup).toBe(2);
    expect(s.latency.mean).toBeCloseTo(0.005, 12);
    expect(s.steady).toBe(1);
  });
});
