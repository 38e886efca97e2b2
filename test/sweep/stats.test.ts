import { describe, expect, it } from "vitest";
import { RandomStreams } from "../../src/engine/random.js";
import { replicationSeed } from "../../src/sweep/seeds.js";
import { estimate, studentTCdf, studentTQuantile } from "../../src/sweep/stats.js";

describe("Student t", () => {
  // reference values: any t table (e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.2)
  const table: [number, number][] = [
    [1, 12.706],
    [2, 4.303],
    [4, 2.776],
    [9, 2.262],
    [29, 2.045],
    [1000, 1.962],
  ];
  for (const [df, t] of table) {
    it(`t(0.975, df=${df}) = ${t}`, () => {
      expect(studentTQuantile(0.975, df)).toBeCloseTo(t, 3);
    });
  }
  it("the CDF is symmetric and inverts the quantile", () => {
    expect(studentTCdf(0, 5)).toBeCloseTo(0.5, 12);
    expect(studentTCdf(-2, 5) + studentTCdf(2, 5)).toBeCloseTo(1, 12);
    expect(studentTCdf(studentTQuantile(0.9, 7), 7)).toBeCloseTo(0.9, 10);
    expect(studentTQuantile(0.025, 9)).toBeCloseTo(-2.262, 3);
  });
});

describe("estimate", () => {
  it("mean ± t·s/√n over replications", () => {
    const e = estimate([1, 2, 3, 4, 5]);
    expect(e.n).toBe(5);
    expect(e.mean).toBe(3);
    expect(e.sd).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(e.halfWidth!).toBeCloseTo((2.776445 * Math.sqrt(2.5)) / Math.sqrt(5), 5);
    expect(e.lo! + e.hi!).toBeCloseTo(6, 12);
  });
  it("one replication has a mean but no interval; non-finite values are skipped", () => {
    expect(estimate([7])).toEqual({ n: 1, mean: 7, sd: 0, halfWidth: null, lo: null, hi: null });
    expect(estimate([Number.NaN, 2, 4]).n).toBe(2);
  });
  it("95 % intervals cover the true mean about 95 % of the time", () => {
    const rng = new RandomStreams(11).stream("coverage");
    let covered = 0;
    const trials = 2000;
    for (let t = 0; t < trials; t++) {
      // exponential(1) samples: mean 1; n = 30 is enough for the CLT
      const xs = Array.from({ length: 30 }, () => -Math.log(1 - rng.next()));
      const e = estimate(xs);
      if (e.lo! <= 1 && 1 <= e.hi!) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.92);
    expect(covered / trials).toBeLessThan(0.97);
  });
});

describe("replication seeds", () => {
  it("common random numbers: replication r has the same seed at every point, matching RandomStreams.replication", () => {
    expect(replicationSeed(7, 0, 3, "common")).toBe(replicationSeed(7, 5, 3, "common"));
    expect(replicationSeed(7, 0, 3, "common")).toBe(new RandomStreams(7).replication(3).seed);
    expect(replicationSeed(7, 0, 3, "common")).not.toBe(replicationSeed(7, 0, 4, "common"));
  });
  it("independent seeding gives every (point, replication) its own seed", () => {
    const seeds = new Set<number>();
    for (let p = 0; p < 10; p++)
      for (let r = 0; r < 10; r++) seeds.add(replicationSeed(7, p, r, "independent"));
    expect(seeds.size).toBe(100);
  });
});
