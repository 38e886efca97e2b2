import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bucketIndex, bucketLower, LogLinearHistogram } from "../../src/metrics/histogram.js";

describe("LogLinearHistogram", () => {
  it("values below 128 ns have exact buckets, so quantiles of small integers are exact", () => {
    const h = new LogLinearHistogram();
    for (let v = 1; v <= 100; v++) h.record(v);
    expect(h.quantile(0.5)).toBe(50);
    expect(h.quantile(0.99)).toBe(99);
    expect(h.quantile(0.999)).toBe(100);
    expect(h.min).toBe(1);
    expect(h.max).toBe(100);
    expect(h.mean).toBe(50.5);
  });

  it("bucket lower bounds invert bucket indices up to 2^53 ns", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (v) => {
        const i = bucketIndex(v);
        expect(bucketLower(i)).toBeLessThanOrEqual(v);
        expect(bucketLower(i + 1)).toBeGreaterThan(v);
        // a bucket is at most 1/128 of its lower bound wide
        expect(bucketLower(i + 1) - bucketLower(i)).toBeLessThanOrEqual(Math.max(1, bucketLower(i) / 128));
      }),
    );
  });

  it("nearest-rank quantiles are within 0.4 % of the exact sample quantile", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1e13 }), { minLength: 1, maxLength: 300 }),
        fc.constantFrom(0.5, 0.75, 0.95, 0.99, 0.999),
        (values, q) => {
          const h = new LogLinearHistogram();
          for (const v of values) h.record(v);
          const sorted = [...values].sort((a, b) => a - b);
          const exact = sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
          expect(Math.abs(h.quantile(q) - exact)).toBeLessThanOrEqual(exact / 256 + 0.5);
        },
      ),
    );
  });

  it("with 5 sub-bucket bits quantiles are within 1/64 (1.6 %) of the exact sample quantile", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1e13 }), { minLength: 1, maxLength: 300 }),
        fc.constantFrom(0.5, 0.95, 0.99),
        (values, q) => {
          const h = new LogLinearHistogram(5);
          for (const v of values) h.record(v);
          const sorted = [...values].sort((a, b) => a - b);
          const exact = sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
          expect(Math.abs(h.quantile(q) - exact)).toBeLessThanOrEqual(exact / 64 + 0.5);
        },
      ),
    );
  });

  it("merge gives the same quantiles as recording every value into one histogram", () => {
    const a = new LogLinearHistogram();
    const b = new LogLinearHistogram();
    const all = new LogLinearHistogram();
    for (let i = 0; i < 1000; i++) {
      const v = (i * 7919) % 100_000_000;
      (i % 2 ? a : b).record(v);
      all.record(v);
    }
    a.merge(b);
    expect(a.count).toBe(all.count);
    expect(a.sum).toBe(all.sum);
    for (const q of [0, 0.5, 0.9, 0.99, 1]) expect(a.quantile(q)).toBe(all.quantile(q));
  });

  it("exports log-spaced buckets in seconds, 10 per decade, with zeros in their own bucket", () => {
    const h = new LogLinearHistogram();
    h.record(0);
    h.record(1_000_000); // 1 ms
    h.record(1_050_000); // 1.05 ms: same decade-tenth [1 ms, 1.26 ms)
    h.record(20_000_000); // 20 ms: [19.95 ms, 25.1 ms)
    const d = h.toData(10);
    expect(d.count).toBe(4);
    expect(d.buckets).toEqual([
      { lower: 0, upper: 1e-9, count: 1 },
      { lower: 0.001, upper: 0.00125892541, count: 2 },
      { lower: 0.0199526231, upper: 0.0251188643, count: 1 },
    ]);
    expect(d.max).toBe(0.02);
    expect(d.min).toBe(0);
  });

  it("an empty histogram reports zeros, not NaN or Infinity", () => {
    const h = new LogLinearHistogram();
    expect([h.min, h.max, h.mean, h.quantile(0.99)]).toEqual([0, 0, 0, 0]);
    expect(h.toData().buckets).toEqual([]);
  });
});
