import { describe, expect, it } from "vitest";
import {
  type Distribution,
  type DistributionKind,
  erlang,
  exponential,
  gamma,
  lognormal,
  NS_PER_MS,
  normal,
  normalCdf,
  normalQuantile,
  pareto,
  parseDistribution,
  RandomStreams,
  regularizedGammaP,
  UnitError,
  uniform,
  weibull,
} from "../../src/engine/index.js";

const ms = NS_PER_MS;

function draw(d: Distribution, n: number, seed = 42): Float64Array {
  const rng = new RandomStreams(seed).stream(`test/${d.text}`);
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = d.sample(rng);
  return xs;
}

/** Sample mean, variance, and the standard error of the sample variance, √((m4 − s⁴)/n). */
function moments(xs: Float64Array): { mean: number; variance: number; varianceSe: number } {
  let s = 0;
  for (const x of xs) s += x;
  const mean = s / xs.length;
  let v = 0;
  let m4 = 0;
  for (const x of xs) {
    v += (x - mean) ** 2;
    m4 += (x - mean) ** 4;
  }
  const variance = v / (xs.length - 1);
  m4 /= xs.length;
  return { mean, variance, varianceSe: Math.sqrt((m4 - variance * variance) / xs.length) };
}

/** Kolmogorov–Smirnov statistic D = sup |F_n(x) - F(x)|. */
function ksStatistic(xs: Float64Array, cdf: (x: number) => number): number {
  const sorted = Float64Array.from(xs).sort();
  const n = sorted.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(sorted[i]!);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}

describe("special functions", () => {
  it("normalCdf matches tabulated values of Φ", () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316301, 15);
    expect(normalCdf(-8)).toBeCloseTo(6.22096057427178e-16, 25);
  });
  it("normalQuantile inverts normalCdf to 1e-12", () => {
    for (const p of [1e-10, 0.001, 0.02, 0.3, 0.5, 0.9, 0.99, 1 - 1e-9]) {
      expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 12);
    }
  });
  it("regularizedGammaP(1, x) is the exponential CDF and P(k, x) matches the Erlang sum", () => {
    expect(regularizedGammaP(1, 2)).toBeCloseTo(1 - Math.exp(-2), 14);
    // P(3, x) = 1 - e^-x (1 + x + x²/2)
    for (const x of [0.5, 3, 10]) {
      expect(regularizedGammaP(3, x)).toBeCloseTo(1 - Math.exp(-x) * (1 + x + (x * x) / 2), 13);
    }
  });
});

/**
 * Each continuous family: 20,000 draws from a fixed seed. Tolerances: sample mean within 4
 * standard errors (σ/√n) of the law's mean, sample variance within 4 of its standard errors
 * (√((m4 − s⁴)/n), large for heavy tails such as the lognormal), and the
 * Kolmogorov–Smirnov D below the 1 % critical value 1.628/√n.
 */
const N = 20_000;
const KS_CRITICAL = 1.628 / Math.sqrt(N);

const CONTINUOUS: [string, Distribution][] = [
  ["exp(10ms)", parseDistribution("exp(10ms)", "duration")],
  ["uniform(1ms, 3ms)", parseDistribution("uniform(1ms, 3ms)", "duration")],
  ["normal(5, 2) (plain numbers)", parseDistribution("normal(5, 2)", "number")],
  ["normal(1ms, 2ms) truncated at 0", parseDistribution("normal(1ms, 2ms)", "duration")],
  ["lognormal(median=2ms, p99=20ms)", parseDistribution("lognormal(median=2ms, p99=20ms)", "duration")],
  ["lognormal(mean=2ms, sd=1ms)", parseDistribution("lognormal(mean=2ms, sd=1ms)", "duration")],
  ["gamma(0.5, 2ms)", parseDistribution("gamma(0.5, 2ms)", "duration")],
  ["gamma(3, 1ms)", parseDistribution("gamma(3, 1ms)", "duration")],
  ["erlang(4, 8ms)", parseDistribution("erlang(4, 8ms)", "duration")],
  ["pareto(1ms, 5)", parseDistribution("pareto(1ms, 5)", "duration")],
  ["weibull(1.5, 2ms)", parseDistribution("weibull(1.5, 2ms)", "duration")],
  ["weibull(0.7, 3) (plain numbers)", parseDistribution("weibull(0.7, 3)", "number")],
];

describe.each(CONTINUOUS)("%s", (_name, d) => {
  const xs = draw(d, N);
  const m = moments(xs);
  it("sample mean is within 4 standard errors of the law's mean", () => {
    expect(Math.abs(m.mean - d.mean)).toBeLessThan(4 * Math.sqrt(d.variance / N));
  });
  it("sample variance is within 4 standard errors of the law's variance", () => {
    expect(Math.abs(m.variance - d.variance)).toBeLessThan(4 * m.varianceSe);
  });
  it("Kolmogorov–Smirnov D against its CDF is below the 1 % critical value", () => {
    expect(ksStatistic(xs, d.cdf!)).toBeLessThan(KS_CRITICAL);
  });
  it("sample quantiles p50, p90, p99 lie within the law's quantiles at p ± 3 binomial s.e.", () => {
    const sorted = Float64Array.from(xs).sort();
    for (const p of [0.5, 0.9, 0.99]) {
      const se = Math.sqrt((p * (1 - p)) / N);
      const x = sorted[Math.floor(p * N)]!;
      expect(x).toBeGreaterThanOrEqual(d.quantile!(p - 3 * se) - 1);
      expect(x).toBeLessThanOrEqual(d.quantile!(p + 3 * se) + 1);
    }
  });
  it("quantile inverts cdf", () => {
    for (const p of [0.05, 0.5, 0.95]) expect(d.cdf!(d.quantile!(p))).toBeCloseTo(p, 8);
  });
  if (d.kind === "duration") {
    it("duration samples are whole, non-negative nanoseconds", () => {
      const bad = xs.filter((x) => !Number.isInteger(x) || x < 0);
      expect(bad.length).toBe(0);
    });
  }
});

describe("distribution laws", () => {
  it("lognormal(median=2ms, p99=20ms) has exactly those quantiles", () => {
    const d = parseDistribution("lognormal(median=2ms, p99=20ms)", "duration");
    expect(d.quantile!(0.5)).toBeCloseTo(2 * ms, 3);
    expect(d.quantile!(0.99)).toBeCloseTo(20 * ms, 3);
  });
  it("lognormal(mean=, sd=) has that mean and standard deviation", () => {
    const d = lognormal({ mean: 2, sd: 1 });
    expect(d.mean).toBeCloseTo(2, 12);
    expect(d.variance).toBeCloseTo(1, 12);
  });
  it("erlang(k, mean) is gamma(k, mean/k)", () => {
    const e = erlang(4, 8);
    const g = gamma(4, 2);
    expect(e.mean).toBe(g.mean);
    expect(e.variance).toBe(g.variance);
    expect(e.cdf!(5)).toBe(g.cdf!(5));
  });
  it("normal truncated at 0 for durations never samples below 0 and its mean exceeds the parameter", () => {
    const d = normal(1 * ms, 2 * ms, "duration");
    expect(d.mean).toBeGreaterThan(1 * ms);
    expect(d.cdf!(0)).toBe(0);
    expect(normal(1, 2, "number").cdf!(0)).toBeCloseTo(normalCdf(-0.5), 14);
  });
  it("pareto with shape <= 1 has an infinite mean, shape <= 2 an infinite variance", () => {
    expect(pareto(1, 1).mean).toBe(Number.POSITIVE_INFINITY);
    expect(pareto(1, 2).variance).toBe(Number.POSITIVE_INFINITY);
    expect(pareto(1, 3).mean).toBe(1.5);
  });
  it("weibull(1, scale) is exponential(scale)", () => {
    const w = weibull(1, 3);
    const e = exponential(3);
    expect(w.mean).toBeCloseTo(3, 12);
    expect(w.variance).toBeCloseTo(9, 10);
    expect(w.cdf!(2)).toBeCloseTo(e.cdf!(2), 14);
  });
  it("a plain duration means a constant that draws nothing from the stream", () => {
    const d = parseDistribution("10ms", "duration");
    expect(d.text).toBe("10ms");
    expect(d.variance).toBe(0);
    const rng = new RandomStreams(1).stream("c");
    const fresh = new RandomStreams(1).stream("c");
    expect(d.sample(rng)).toBe(10 * ms);
    expect(rng.next()).toBe(fresh.next());
    expect(parseDistribution("const(2KiB)", "size").sample(rng)).toBe(2048);
  });
  it("bernoulli(0.3) gives 1 about 30 % of the time and only 0 or 1", () => {
    const d = parseDistribution("bernoulli(0.3)", "number");
    const xs = draw(d, N);
    let ones = 0;
    for (const x of xs) ones += x;
    expect(xs.every((x) => x === 0 || x === 1)).toBe(true);
    expect(Math.abs(ones / N - 0.3)).toBeLessThan(4 * Math.sqrt((0.3 * 0.7) / N));
  });
  it("empirical(1ms:0.5, 5ms:0.3, 20ms:0.2) draws each value with its weight", () => {
    const d = parseDistribution("empirical(1ms:0.5, 5ms:0.3, 20ms:0.2)", "duration");
    expect(d.mean).toBeCloseTo(0.5 * ms + 1.5 * ms + 4 * ms, 6);
    const xs = draw(d, N);
    const counts = new Map<number, number>();
    for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([1 * ms, 5 * ms, 20 * ms]);
    for (const [v, p] of [
      [1 * ms, 0.5],
      [5 * ms, 0.3],
      [20 * ms, 0.2],
    ] as const) {
      expect(Math.abs(counts.get(v)! / N - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / N));
    }
    expect(d.cdf!(5 * ms)).toBeCloseTo(0.8, 12);
    expect(d.quantile!(0.5)).toBe(1 * ms);
    expect(d.quantile!(0.6)).toBe(5 * ms);
  });
  it("empirical weights need not sum to 1: they are normalised", () => {
    const d = parseDistribution("empirical(1:1, 3:3)", "number");
    expect(d.mean).toBeCloseTo(2.5, 12);
  });
  it("empirical(file=...) resamples a CSV of samples through the caller's reader", () => {
    const files: Record<string, string> = {
      "lat.csv": "latency,host\n# measured 2026-11-01\n2.5ms,a\n\n1ms,b\n4.5ms,c\n",
      "bare.csv": "1\n2\n3\n",
    };
    const readFile = (p: string): string => {
      const t = files[p];
      if (t === undefined) throw new Error("no such file");
      return t;
    };
    const d = parseDistribution('empirical(file="lat.csv")', "duration", { readFile });
    expect(d.mean).toBeCloseTo((8 * ms) / 3, 3);
    expect(d.text).toBe('empirical(file="lat.csv")');
    const xs = draw(d, 3000);
    expect(new Set(xs)).toEqual(new Set([1 * ms, 2.5 * ms, 4.5 * ms]));
    const bare = parseDistribution("empirical(file=bare.csv, unit=ms)", "duration", { readFile });
    expect(bare.mean).toBe(2 * ms);
    expect(() => parseDistribution("empirical(file=bare.csv)", "duration", { readFile })).toThrow(
      /bare.csv line 1: missing unit/,
    );
    expect(() => parseDistribution("empirical(file=nope.csv)", "duration", { readFile })).toThrow(
      /cannot read "nope.csv": no such file/,
    );
  });
  it("constructors validate their parameters with a message naming the parameter", () => {
    expect(() => exponential(0)).toThrow(/exp: mean must be > 0/);
    expect(() => uniform(3, 1)).toThrow(/uniform: b must be > a/);
    expect(() => normal(0, 0)).toThrow(/normal: sd must be > 0/);
    expect(() => normal(-1, 1, "duration")).toThrow(/mean must be >= 0 for a duration/);
    expect(() => lognormal({ median: 2, p99: 1 })).toThrow(/p99 must be > median/);
    expect(() => lognormal({ mean: 0, sd: 1 })).toThrow(/lognormal: mean must be > 0/);
    expect(() => gamma(-1, 1)).toThrow(/gamma: shape must be > 0/);
    expect(() => erlang(2.5, 1)).toThrow(/erlang: k must be a whole number >= 1/);
    expect(() => pareto(0, 1)).toThrow(/pareto: scale must be > 0/);
    expect(() => weibull(1, -1)).toThrow(/weibull: scale must be > 0/);
  });
});

describe("parseDistribution", () => {
  it.each([
    ["exp(10ms)", "exp(10ms)"],
    ["exponential( 10ms )", "exp(10ms)"],
    ["exp(mean=10ms)", "exp(10ms)"],
    ["uniform(1ms, 3ms)", "uniform(1ms, 3ms)"],
    ["uniform(min=1ms, max=3ms)", "uniform(1ms, 3ms)"],
    ["normal(sd=1ms, mean=5ms)", "normal(5ms, 1ms)"],
    ["lognormal(median=2ms, p99=20ms)", "lognormal(median=2ms, p99=20ms)"],
    ["lognormal(p99=20ms, median=2000us)", "lognormal(median=2ms, p99=20ms)"],
    ["gamma(2, 1ms)", "gamma(2, 1ms)"],
    ["erlang(k=3, mean=1.5s)", "erlang(3, 1.5s)"],
    ["pareto(1ms, 2.5)", "pareto(1ms, 2.5)"],
    ["weibull(shape=1.5, scale=2ms)", "weibull(1.5, 2ms)"],
    ["const(250us)", "250us"],
  ])("reads %s (canonical %s)", (text, canonical) => {
    expect(parseDistribution(text, "duration").text).toBe(canonical);
  });

  it("reads sizes and plain numbers", () => {
    expect(parseDistribution("uniform(1KiB, 3KiB)", "size").mean).toBe(2048);
    expect(parseDistribution("normal(-1, 2)", "number").mean).toBe(-1);
    expect(parseDistribution("4", "number").sample(new RandomStreams(1).stream("x"))).toBe(4);
  });

  /** text, kind, 0-based offset of the bad token, message fragment */
  const ERRORS: [string, DistributionKind, number, RegExp][] = [
    ["", "duration", 0, /unexpected end of text/],
    ["10", "duration", 2, /missing unit after "10"/],
    ["10 parsecs", "duration", 3, /unknown unit "parsecs"/],
    ["foo(1ms)", "duration", 0, /unknown distribution "foo"/],
    ["exp 10ms", "duration", 4, /unexpected "10ms" after "exp" at column 5; expected "\("/],
    ["exp(10ms", "duration", 8, /unexpected end of text at column 9; expected "," or "\)"/],
    ["exp(10ms))", "duration", 9, /unexpected "\)"/],
    ["exp()", "duration", 4, /missing parameter mean/],
    ["exp(10)", "duration", 6, /missing unit/],
    ["exp(10parsecs)", "duration", 6, /unknown unit "parsecs"/],
    ["exp(-1ms)", "duration", 4, /negative value/],
    ["exp(0ms)", "duration", 4, /mean must be > 0, got 0s/],
    ["exp(1ms, 2ms)", "duration", 9, /too many parameters for exp at column 10; expected exp\(mean\)/],
    ["exp(rate=1ms)", "duration", 4, /unknown parameter "rate" for exp at column 5; expected one of mean/],
    ["exp(mean=1ms, mean=2ms)", "duration", 14, /parameter "mean" given twice/],
    ["exp(,)", "duration", 4, /unexpected ",\)"/],
    ["uniform(3ms, 1ms)", "duration", 13, /b must be > a \(3ms\), got 1ms/],
    ["normal(1ms)", "duration", 10, /missing parameter sd for normal/],
    ["gamma(2ms, 1ms)", "duration", 7, /unexpected unit "ms" on shape/],
    ["erlang(2.5, 1ms)", "duration", 7, /k must be a whole number/],
    ["lognormal(2ms, 20ms)", "duration", 10, /lognormal needs named parameters/],
    ["lognormal(median=2ms)", "duration", 0, /needs either mean and sd, or median and p99/],
    ["lognormal(median=2ms, sd=1ms)", "duration", 0, /needs either mean and sd, or median and p99/],
    ["lognormal(median=2ms, p99=1ms)", "duration", 26, /p99 must be > median \(2ms\), got 1ms/],
    ["pareto(1ms, 0)", "duration", 12, /shape must be > 0/],
    ["bernoulli(0.5)", "duration", 0, /bernoulli gives 0 or 1, not a duration/],
    ["bernoulli(1.5)", "number", 10, /p must be in \[0, 1\]/],
    ["exp(2ms)", "number", 5, /unexpected unit "ms"/],
    ["uniform(1KB, 1.5B)", "size", 13, /not a whole number of bytes/],
    ["empirical()", "duration", 10, /empirical needs values/],
    ["empirical(1ms, 2ms)", "duration", 13, /missing weight/],
    ["empirical(1ms:0, 2ms:1)", "duration", 14, /weight 0 is not > 0/],
    ["empirical(1ms:x)", "duration", 14, /unexpected "x\)" after ":"/],
    ["empirical(1ms:2ms)", "duration", 15, /unexpected unit "ms" on a weight/],
    ["empirical(file=x.csv)", "duration", 10, /files cannot be read here/],
    ['empirical(file="x.csv)', "duration", 15, /unterminated string/],
    ["empirical(file=x.csv, 1ms:1)", "duration", 22, /unexpected parameter/],
  ];
  it.each(ERRORS)("rejects %j (%s) at offset %d", (text, kind, offset, message) => {
    let error: unknown;
    try {
      parseDistribution(text, kind);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnitError);
    const e = error as UnitError;
    expect(e.message).toMatch(message);
    expect(e.offset).toBe(offset);
    expect(e.text).toBe(text);
    expect(e.message).toContain(`at column ${offset + 1}; expected `);
  });
});
