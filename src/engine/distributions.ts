import type { RandomStream } from "./random.js";
import {
  invertMonotone,
  logGamma,
  normalCdf,
  normalPdf,
  normalQuantile,
  regularizedGammaP,
} from "./special.js";
import {
  durationOf,
  formatDuration,
  formatSize,
  type ScannedQuantity,
  scanQuantity,
  sizeOf,
  UnitError,
} from "./units.js";

/**
 * What a distribution's values measure. "duration": integer nanoseconds (samples rounded, >= 0);
 * "size": integer bytes (rounded, >= 0); "number": plain reals (counts, probabilities, factors).
 */
export type DistributionKind = "duration" | "size" | "number";

/**
 * A random variable sampled from a caller-supplied stream, so that the caller's stream name
 * decides the draws (common random numbers) and a distribution can be shared between components.
 * `mean`, `variance`, `cdf` and `quantile` describe the continuous law before rounding to whole
 * ns / bytes. `text` is the canonical expression, e.g. "exp(10ms)".
 */
export interface Distribution {
  sample(rng: RandomStream): number;
  readonly mean: number;
  readonly variance: number;
  readonly text: string;
  readonly kind: DistributionKind;
  cdf?(x: number): number;
  quantile?(p: number): number;
}

/** A parameter that fails validation; `param` names it so the parser can point at it. */
export class ParameterError extends RangeError {
  override readonly name = "ParameterError";
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(message);
  }
}

function need(ok: boolean, param: string, message: string): void {
  if (!ok) throw new ParameterError(param, message);
}

/** A uniform in the open interval (0, 1): inverse CDFs are infinite at 0. */
function openUniform(rng: RandomStream): number {
  const u = rng.next();
  return u > 0 ? u : 2 ** -54;
}

/** Durations and sizes are whole, non-negative units; plain numbers pass through. */
function finish(kind: DistributionKind, x: number): number {
  if (kind === "number") return x;
  return x > 0 ? Math.round(x) : 0;
}

function fmt(kind: DistributionKind, v: number): string {
  if (kind === "duration") return formatDuration(v);
  if (kind === "size") return formatSize(v);
  return String(v);
}

/** Acklam's approximation without the refinement step: relative error 1.15e-9, enough to sample. */
function fastNormal(u: number): number {
  const pl = 0.02425;
  if (u < pl || u > 1 - pl) return normalQuantile(u);
  const q = u - 0.5;
  const r = q * q;
  return (
    ((((((-39.69683028665376 * r + 220.9460984245205) * r - 275.9285104469687) * r + 138.357751867269) * r -
      30.66479806614716) *
      r +
      2.506628277459239) *
      q) /
    (((((-54.47609879822406 * r + 161.5858368580409) * r - 155.6989798598866) * r + 66.80131188771972) * r -
      13.28068155288572) *
      r +
      1)
  );
}

// ---- families ------------------------------------------------------------------------------

/** const(v): always v; draws nothing from the stream. */
export function constant(value: number, kind: DistributionKind = "number"): Distribution {
  need(Number.isFinite(value), "value", `const: value must be finite, got ${value}`);
  need(kind === "number" || value >= 0, "value", `const: value must be >= 0, got ${value}`);
  const v = finish(kind, value);
  return {
    kind,
    text: fmt(kind, v),
    mean: v,
    variance: 0,
    sample: () => v,
    cdf: (x) => (x >= v ? 1 : 0),
    quantile: () => v,
  };
}

/** exp(mean): exponential with the given mean (rate 1/mean); one draw per sample. */
export function exponential(mean: number, kind: DistributionKind = "number"): Distribution {
  need(mean > 0 && Number.isFinite(mean), "mean", `exp: mean must be > 0, got ${fmt(kind, mean)}`);
  return {
    kind,
    text: `exp(${fmt(kind, mean)})`,
    mean,
    variance: mean * mean,
    sample: (rng) => finish(kind, -mean * Math.log(1 - rng.next())),
    cdf: (x) => (x <= 0 ? 0 : 1 - Math.exp(-x / mean)),
    quantile: (p) => -mean * Math.log(1 - p),
  };
}

/** uniform(a, b): continuous uniform on [a, b); one draw per sample. */
export function uniform(a: number, b: number, kind: DistributionKind = "number"): Distribution {
  need(Number.isFinite(a), "a", `uniform: a must be finite, got ${a}`);
  need(b > a && Number.isFinite(b), "b", `uniform: b must be > a (${fmt(kind, a)}), got ${fmt(kind, b)}`);
  const w = b - a;
  return {
    kind,
    text: `uniform(${fmt(kind, a)}, ${fmt(kind, b)})`,
    mean: (a + b) / 2,
    variance: (w * w) / 12,
    sample: (rng) => finish(kind, a + w * rng.next()),
    cdf: (x) => (x <= a ? 0 : x >= b ? 1 : (x - a) / w),
    quantile: (p) => a + w * p,
  };
}

/**
 * normal(mean, sd). For durations and sizes it is truncated at 0 (the law conditioned on x >= 0,
 * sampled by inversion so each sample takes exactly one draw); `mean` and `variance` are then the
 * truncated law's, which exceed/shrink the parameters when sd is large next to mean.
 */
export function normal(mean: number, sd: number, kind: DistributionKind = "number"): Distribution {
  need(Number.isFinite(mean), "mean", `normal: mean must be finite, got ${mean}`);
  need(kind === "number" || mean >= 0, "mean", `normal: mean must be >= 0 for a ${kind}, got ${mean}`);
  need(sd > 0 && Number.isFinite(sd), "sd", `normal: sd must be > 0, got ${fmt(kind, sd)}`);
  const text = `normal(${fmt(kind, mean)}, ${fmt(kind, sd)})`;
  if (kind === "number") {
    return {
      kind,
      text,
      mean,
      variance: sd * sd,
      sample: (rng) => mean + sd * fastNormal(openUniform(rng)),
      cdf: (x) => normalCdf((x - mean) / sd),
      quantile: (p) => mean + sd * normalQuantile(p),
    };
  }
  const alpha = -mean / sd;
  const lo = normalCdf(alpha); // probability mass cut off below 0
  const z = 1 - lo;
  const ratio = normalPdf(alpha) / z;
  return {
    kind,
    text,
    mean: mean + sd * ratio,
    variance: sd * sd * (1 + alpha * ratio - ratio * ratio),
    sample: (rng) => finish(kind, mean + sd * fastNormal(lo + z * openUniform(rng))),
    cdf: (x) => (x <= 0 ? 0 : (normalCdf((x - mean) / sd) - lo) / z),
    quantile: (p) => Math.max(0, mean + sd * normalQuantile(lo + z * p)),
  };
}

/** 99th percentile of the standard normal, Φ⁻¹(0.99). */
const Z99 = 2.3263478740408408;

export type LognormalParams = { mean: number; sd: number } | { median: number; p99: number };

/**
 * lognormal(mean=, sd=) by the law's own mean and standard deviation, or lognormal(median=, p99=)
 * by two quantiles, the natural way to state a latency ("median 2 ms, p99 20 ms").
 */
export function lognormal(params: LognormalParams, kind: DistributionKind = "number"): Distribution {
  let mu: number;
  let sigma: number;
  let text: string;
  if ("median" in params) {
    const { median, p99 } = params;
    need(
      median > 0 && Number.isFinite(median),
      "median",
      `lognormal: median must be > 0, got ${fmt(kind, median)}`,
    );
    need(
      p99 > median && Number.isFinite(p99),
      "p99",
      `lognormal: p99 must be > median (${fmt(kind, median)}), got ${fmt(kind, p99)}`,
    );
    mu = Math.log(median);
    sigma = (Math.log(p99) - mu) / Z99;
    text = `lognormal(median=${fmt(kind, median)}, p99=${fmt(kind, p99)})`;
  } else {
    const { mean, sd } = params;
    need(mean > 0 && Number.isFinite(mean), "mean", `lognormal: mean must be > 0, got ${fmt(kind, mean)}`);
    need(sd > 0 && Number.isFinite(sd), "sd", `lognormal: sd must be > 0, got ${fmt(kind, sd)}`);
    const s2 = Math.log(1 + (sd * sd) / (mean * mean));
    sigma = Math.sqrt(s2);
    mu = Math.log(mean) - s2 / 2;
    text = `lognormal(mean=${fmt(kind, mean)}, sd=${fmt(kind, sd)})`;
  }
  const s2 = sigma * sigma;
  return {
    kind,
    text,
    mean: Math.exp(mu + s2 / 2),
    variance: Math.expm1(s2) * Math.exp(2 * mu + s2),
    sample: (rng) => finish(kind, Math.exp(mu + sigma * fastNormal(openUniform(rng)))),
    cdf: (x) => (x <= 0 ? 0 : normalCdf((Math.log(x) - mu) / sigma)),
    quantile: (p) => Math.exp(mu + sigma * normalQuantile(p)),
  };
}

/** Marsaglia & Tsang (2000) gamma(shape, 1) sampler; shape < 1 by the boost u^(1/shape). */
function sampleGamma1(shape: number, rng: RandomStream): number {
  const boost = shape < 1;
  const a = boost ? shape + 1 : shape;
  const d = a - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  let x: number;
  let v: number;
  for (;;) {
    do {
      x = fastNormal(openUniform(rng));
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = openUniform(rng);
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) break;
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) break;
  }
  const g = d * v;
  return boost ? g * openUniform(rng) ** (1 / shape) : g;
}

function gammaLaw(shape: number, scale: number, kind: DistributionKind, text: string): Distribution {
  const cdf = (x: number): number => (x <= 0 ? 0 : regularizedGammaP(shape, x / scale));
  return {
    kind,
    text,
    mean: shape * scale,
    variance: shape * scale * scale,
    sample: (rng) => finish(kind, scale * sampleGamma1(shape, rng)),
    cdf,
    quantile: (p) => (p <= 0 ? 0 : invertMonotone(cdf, p, 0, shape * scale * 4 + scale)),
  };
}

/** gamma(shape, scale): mean shape·scale; a variable number of draws per sample (rejection). */
export function gamma(shape: number, scale: number, kind: DistributionKind = "number"): Distribution {
  need(shape > 0 && Number.isFinite(shape), "shape", `gamma: shape must be > 0, got ${shape}`);
  need(scale > 0 && Number.isFinite(scale), "scale", `gamma: scale must be > 0, got ${fmt(kind, scale)}`);
  return gammaLaw(shape, scale, kind, `gamma(${shape}, ${fmt(kind, scale)})`);
}

/** erlang(k, mean): the sum of k exponential phases with total mean `mean` (gamma(k, mean/k)). */
export function erlang(k: number, mean: number, kind: DistributionKind = "number"): Distribution {
  need(Number.isInteger(k) && k >= 1, "k", `erlang: k must be a whole number >= 1, got ${k}`);
  need(mean > 0 && Number.isFinite(mean), "mean", `erlang: mean must be > 0, got ${fmt(kind, mean)}`);
  return gammaLaw(k, mean / k, kind, `erlang(${k}, ${fmt(kind, mean)})`);
}

/**
 * pareto(scale, shape): minimum `scale`, tail index `shape`. The mean is infinite for shape <= 1
 * and the variance for shape <= 2 (reported as Infinity): heavy tails, use with care.
 */
export function pareto(scale: number, shape: number, kind: DistributionKind = "number"): Distribution {
  need(scale > 0 && Number.isFinite(scale), "scale", `pareto: scale must be > 0, got ${fmt(kind, scale)}`);
  need(shape > 0 && Number.isFinite(shape), "shape", `pareto: shape must be > 0, got ${shape}`);
  const inv = -1 / shape;
  return {
    kind,
    text: `pareto(${fmt(kind, scale)}, ${shape})`,
    mean: shape > 1 ? (shape * scale) / (shape - 1) : Number.POSITIVE_INFINITY,
    variance:
      shape > 2 ? (scale * scale * shape) / ((shape - 1) ** 2 * (shape - 2)) : Number.POSITIVE_INFINITY,
    sample: (rng) => finish(kind, scale * (1 - rng.next()) ** inv),
    cdf: (x) => (x <= scale ? 0 : 1 - (scale / x) ** shape),
    quantile: (p) => scale * (1 - p) ** inv,
  };
}

/** weibull(shape, scale): P(X > x) = exp(-(x/scale)^shape); one draw per sample. */
export function weibull(shape: number, scale: number, kind: DistributionKind = "number"): Distribution {
  need(shape > 0 && Number.isFinite(shape), "shape", `weibull: shape must be > 0, got ${shape}`);
  need(scale > 0 && Number.isFinite(scale), "scale", `weibull: scale must be > 0, got ${fmt(kind, scale)}`);
  const g1 = Math.exp(logGamma(1 + 1 / shape));
  const g2 = Math.exp(logGamma(1 + 2 / shape));
  const inv = 1 / shape;
  return {
    kind,
    text: `weibull(${shape}, ${fmt(kind, scale)})`,
    mean: scale * g1,
    variance: scale * scale * (g2 - g1 * g1),
    sample: (rng) => finish(kind, scale * (-Math.log(1 - rng.next())) ** inv),
    cdf: (x) => (x <= 0 ? 0 : 1 - Math.exp(-((x / scale) ** shape))),
    quantile: (p) => scale * (-Math.log(1 - p)) ** inv,
  };
}

/** bernoulli(p): 1 with probability p, else 0. Plain numbers only. */
export function bernoulli(p: number): Distribution {
  need(p >= 0 && p <= 1, "p", `bernoulli: p must be in [0, 1], got ${p}`);
  return {
    kind: "number",
    text: `bernoulli(${p})`,
    mean: p,
    variance: p * (1 - p),
    sample: (rng) => (rng.next() < p ? 1 : 0),
    cdf: (x) => (x < 0 ? 0 : x < 1 ? 1 - p : 1),
    quantile: (q) => (q <= 1 - p ? 0 : 1),
  };
}

/**
 * empirical: a discrete law on `values` with probabilities proportional to `weights` (all 1 when
 * omitted: resampling recorded samples, e.g. latencies measured on a real system). One draw per
 * sample, O(log n) by binary search over the cumulative weights.
 */
export function empirical(
  values: readonly number[],
  weights?: readonly number[],
  kind: DistributionKind = "number",
  text?: string,
): Distribution {
  need(values.length > 0, "values", "empirical: needs at least one value");
  need(
    weights === undefined || weights.length === values.length,
    "weights",
    `empirical: ${values.length} values but ${weights?.length} weights`,
  );
  const pairs = values.map((v, i) => {
    const w = weights === undefined ? 1 : weights[i]!;
    need(Number.isFinite(v), "values", `empirical: value ${v} is not finite`);
    need(kind === "number" || v >= 0, "values", `empirical: value ${v} must be >= 0 for a ${kind}`);
    need(w > 0 && Number.isFinite(w), "weights", `empirical: weight ${w} must be > 0`);
    return [finish(kind, v), w] as const;
  });
  pairs.sort((x, y) => x[0] - y[0]);
  const xs = Float64Array.from(pairs, (p) => p[0]);
  const total = pairs.reduce((s, p) => s + p[1], 0);
  const cum = new Float64Array(xs.length);
  let acc = 0;
  let mean = 0;
  for (let i = 0; i < pairs.length; i++) {
    acc += pairs[i]![1] / total;
    cum[i] = acc;
    mean += (pairs[i]![1] / total) * xs[i]!;
  }
  cum[cum.length - 1] = 1;
  let variance = 0;
  for (let i = 0; i < pairs.length; i++) variance += (pairs[i]![1] / total) * (xs[i]! - mean) ** 2;
  /** Index of the first cumulative weight > u. */
  const find = (u: number): number => {
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const defaultText =
    weights === undefined
      ? `empirical(${values.length} samples)`
      : `empirical(${pairs.map(([v, w]) => `${fmt(kind, v)}:${w / total}`).join(", ")})`;
  return {
    kind,
    text: text ?? defaultText,
    mean,
    variance,
    sample: (rng) => xs[find(rng.next())]!,
    cdf: (x) => {
      let lo = 0;
      let hi = xs.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (xs[mid]! <= x) lo = mid + 1;
        else hi = mid;
      }
      return lo === 0 ? 0 : cum[lo - 1]!;
    },
    quantile: (p) => xs[Math.min(xs.length - 1, find(Math.max(p - 1e-12, 0)))]!,
  };
}

// ---- parser --------------------------------------------------------------------------------

export interface ParseDistributionOptions {
  /**
   * Reads a file named in `empirical(file="...")` and returns its text. The engine never touches
   * the file system: the scenario loader passes a reader (resolving paths against the scenario's
   * directory). Without one, a file reference is an error.
   */
  readonly readFile?: (path: string) => string;
}

type ParamType = "q" | "n";

interface Family {
  /** Positional parameter names and types; "q" = a quantity of the distribution's kind, "n" = a plain number. */
  readonly params: readonly (readonly [string, ParamType])[];
  readonly aliases?: Readonly<Record<string, string>>;
  readonly build: (p: Record<string, number>, kind: DistributionKind) => Distribution;
}

const FAMILIES: Record<string, Family> = {
  const: { params: [["value", "q"]], build: (p, k) => constant(p.value!, k) },
  exp: { params: [["mean", "q"]], build: (p, k) => exponential(p.mean!, k) },
  uniform: {
    params: [
      ["a", "q"],
      ["b", "q"],
    ],
    aliases: { min: "a", max: "b" },
    build: (p, k) => uniform(p.a!, p.b!, k),
  },
  normal: {
    params: [
      ["mean", "q"],
      ["sd", "q"],
    ],
    build: (p, k) => normal(p.mean!, p.sd!, k),
  },
  lognormal: {
    params: [],
    build: (p, k) =>
      p.median !== undefined || p.p99 !== undefined
        ? lognormal({ median: p.median!, p99: p.p99! }, k)
        : lognormal({ mean: p.mean!, sd: p.sd! }, k),
  },
  gamma: {
    params: [
      ["shape", "n"],
      ["scale", "q"],
    ],
    build: (p, k) => gamma(p.shape!, p.scale!, k),
  },
  erlang: {
    params: [
      ["k", "n"],
      ["mean", "q"],
    ],
    build: (p, k) => erlang(p.k!, p.mean!, k),
  },
  pareto: {
    params: [
      ["scale", "q"],
      ["shape", "n"],
    ],
    build: (p, k) => pareto(p.scale!, p.shape!, k),
  },
  weibull: {
    params: [
      ["shape", "n"],
      ["scale", "q"],
    ],
    build: (p, k) => weibull(p.shape!, p.scale!, k),
  },
  bernoulli: { params: [["p", "n"]], build: (p) => bernoulli(p.p!) },
};
const FAMILY_ALIASES: Record<string, string> = { exponential: "exp", constant: "const" };
const FAMILY_LIST =
  "const, exp, uniform, normal, lognormal, gamma, erlang, pareto, weibull, bernoulli, empirical";

const UNIT_HINT: Record<DistributionKind, string> = {
  duration: "a duration such as 10ms",
  size: "a size such as 2KiB",
  number: "a plain number",
};

/**
 * Parse a distribution expression. Grammar (spaces allowed between tokens):
 *
 *   dist      := quantity                      a constant: "10ms" = const(10ms)
 *              | family "(" args ")"
 *   args      := arg ("," arg)*
 *   arg       := [name "="] quantity           positional in the family's order, or named
 *   empirical := "empirical(" value ":" weight ("," value ":" weight)* ")"
 *              | "empirical(file=" path ["," "unit=" unit] ")"
 *
 * Families and parameters (q = a quantity of `kind`, n = a plain number):
 *   const(value q) exp(mean q) uniform(a q, b q) normal(mean q, sd q)
 *   lognormal(mean=q, sd=q) | lognormal(median=q, p99=q) gamma(shape n, scale q) erlang(k n, mean q)
 *   pareto(scale q, shape n) weibull(shape n, scale q) bernoulli(p n) [kind "number" only]
 *
 * A CSV file holds one sample per line in its first column; blank lines, "#" comments and a
 * non-numeric header line are skipped; values carry units ("2.5ms") unless `unit=` gives one.
 * Errors are UnitErrors whose offset points at the bad token.
 */
export function parseDistribution(
  text: string,
  kind: DistributionKind,
  options: ParseDistributionOptions = {},
): Distribution {
  return new Parser(text, kind, options).parse();
}

interface Arg {
  readonly name: string | undefined;
  readonly start: number;
  readonly value: ScannedQuantity | undefined;
  /** For file paths and unit names: the raw word. */
  readonly word: string | undefined;
  readonly weight: ScannedQuantity | undefined;
}

class Parser {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly kind: DistributionKind,
    private readonly options: ParseDistributionOptions,
  ) {}

  private fail(offset: number, problem: string, expected: string): never {
    throw new UnitError("distribution", this.text, offset, problem, expected);
  }

  private skip(): void {
    while (this.text[this.pos] === " " || this.text[this.pos] === "\t") this.pos++;
  }

  private rest(): string {
    return this.pos >= this.text.length ? "end of text" : `"${this.text.slice(this.pos)}"`;
  }

  parse(): Distribution {
    this.skip();
    const start = this.pos;
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos))?.[0];
    let dist: Distribution;
    if (ident === undefined) {
      const q = scanQuantity(this.text, this.pos);
      if (q === undefined) {
        this.fail(
          this.pos,
          `unexpected ${this.rest()}`,
          `${UNIT_HINT[this.kind]} or a family: ${FAMILY_LIST}`,
        );
      }
      this.pos = q.end;
      dist = this.wrap("value", start, () => constant(this.quantity(q), this.kind));
    } else {
      this.pos += ident.length;
      this.skip();
      if (this.text[this.pos] !== "(")
        this.fail(this.pos, `unexpected ${this.rest()} after "${ident}"`, `"("`);
      this.pos++;
      const name = FAMILY_ALIASES[ident] ?? ident;
      if (name === "empirical") dist = this.empirical(start);
      else {
        const family = FAMILIES[name];
        if (family === undefined)
          this.fail(start, `unknown distribution "${ident}"`, `one of ${FAMILY_LIST}`);
        dist = this.family(name, family, start);
      }
    }
    this.skip();
    if (this.pos < this.text.length) this.fail(this.pos, `unexpected ${this.rest()}`, "end of distribution");
    return dist;
  }

  /** Parse "arg, arg, ... )" and return the args; leaves pos after ")". */
  private args(allowWeights: boolean): Arg[] {
    const out: Arg[] = [];
    this.skip();
    if (this.text[this.pos] === ")") {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skip();
      const start = this.pos;
      let name: string | undefined;
      const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(this.text.slice(this.pos));
      if (m !== null) {
        name = m[1]!;
        this.pos += m[0].length;
        this.skip();
      }
      let value: ScannedQuantity | undefined;
      let word: string | undefined;
      let weight: ScannedQuantity | undefined;
      if (this.text[this.pos] === '"') {
        const close = this.text.indexOf('"', this.pos + 1);
        if (close < 0) this.fail(this.pos, "unterminated string", `a closing '"'`);
        word = this.text.slice(this.pos + 1, close);
        this.pos = close + 1;
      } else if (name !== undefined && (name === "file" || name === "unit")) {
        const w = /^[^,)\s]+/.exec(this.text.slice(this.pos))?.[0];
        if (w === undefined)
          this.fail(this.pos, `missing value for ${name}`, name === "file" ? "a path" : "a unit");
        word = w;
        this.pos += w.length;
      } else {
        value = scanQuantity(this.text, this.pos);
        if (value === undefined) {
          this.fail(
            this.pos,
            `unexpected ${this.rest()}`,
            name === undefined ? "a parameter value or name=value" : `a value for ${name}`,
          );
        }
        this.pos = value.end;
        this.skip();
        if (allowWeights && this.text[this.pos] === ":") {
          this.pos++;
          this.skip();
          weight = scanQuantity(this.text, this.pos);
          if (weight === undefined)
            this.fail(this.pos, `unexpected ${this.rest()} after ":"`, "a weight (a plain number > 0)");
          if (weight.unit !== "")
            this.fail(weight.unitStart, `unexpected unit "${weight.unit}" on a weight`, "a plain number");
          this.pos = weight.end;
        }
      }
      out.push({ name, start, value, word, weight });
      this.skip();
      const c = this.text[this.pos];
      if (c === ",") {
        this.pos++;
        continue;
      }
      if (c === ")") {
        this.pos++;
        return out;
      }
      this.fail(this.pos, `unexpected ${this.rest()}`, `"," or ")"`);
    }
  }

  /** A scanned quantity as a value of this.kind (ns, bytes or a plain number). */
  private quantity(q: ScannedQuantity): number {
    if (this.kind === "duration") return durationOf(q, this.text, "distribution");
    if (this.kind === "size") return sizeOf(q, this.text, "distribution");
    if (q.unit !== "")
      this.fail(q.unitStart, `unexpected unit "${q.unit}"`, "a plain number (this value has no unit)");
    return q.value;
  }

  private plain(q: ScannedQuantity, param: string): number {
    if (q.unit !== "") {
      this.fail(
        q.unitStart,
        `unexpected unit "${q.unit}" on ${param}`,
        `a plain number (${param} has no unit)`,
      );
    }
    return q.value;
  }

  /** Run a constructor; a ParameterError points at the offending parameter's text. */
  private wrap(
    _param: string,
    fallback: number,
    build: () => Distribution,
    where?: Record<string, number>,
  ): Distribution {
    try {
      return build();
    } catch (e) {
      if (e instanceof ParameterError) {
        this.fail(where?.[e.param] ?? fallback, e.message.replace(/^[a-z]+: /, ""), "valid parameters");
      }
      throw e;
    }
  }

  private family(name: string, family: Family, start: number): Distribution {
    const args = this.args(false);
    const values: Record<string, number> = {};
    const where: Record<string, number> = {};
    const names = family.params.map((p) => p[0]);
    const named = name === "lognormal" ? ["mean", "sd", "median", "p99"] : names;
    let positional = 0;
    for (const a of args) {
      if (a.value === undefined) this.fail(a.start, "unexpected text", `a value (${UNIT_HINT[this.kind]})`);
      let pname: string;
      if (a.name === undefined) {
        if (name === "lognormal") {
          this.fail(
            a.start,
            "lognormal needs named parameters",
            "lognormal(mean=.., sd=..) or lognormal(median=.., p99=..)",
          );
        }
        if (positional >= names.length) {
          this.fail(a.start, `too many parameters for ${name}`, `${name}(${names.join(", ")})`);
        }
        pname = names[positional++]!;
      } else {
        pname = family.aliases?.[a.name] ?? a.name;
        if (!named.includes(pname)) {
          this.fail(a.start, `unknown parameter "${a.name}" for ${name}`, `one of ${named.join(", ")}`);
        }
      }
      if (pname in values) this.fail(a.start, `parameter "${pname}" given twice`, "each parameter once");
      const type = family.params.find((p) => p[0] === pname)?.[1] ?? "q";
      values[pname] = type === "q" ? this.quantity(a.value) : this.plain(a.value, pname);
      where[pname] = a.value.start;
    }
    if (name === "lognormal") {
      const byMedian = "median" in values || "p99" in values;
      const byMean = "mean" in values || "sd" in values;
      const need2 = byMedian ? ["median", "p99"] : ["mean", "sd"];
      if ((byMedian && byMean) || need2.some((n) => !(n in values))) {
        this.fail(
          start,
          "lognormal needs either mean and sd, or median and p99",
          "lognormal(mean=.., sd=..) or lognormal(median=.., p99=..)",
        );
      }
    } else {
      const missing = names.filter((n) => !(n in values));
      if (missing.length > 0) {
        this.fail(
          this.pos - 1,
          `missing parameter ${missing.join(", ")} for ${name}`,
          `${name}(${names.join(", ")})`,
        );
      }
    }
    if (name === "bernoulli" && this.kind !== "number") {
      this.fail(start, `bernoulli gives 0 or 1, not a ${this.kind}`, `a ${this.kind} distribution`);
    }
    return this.wrap(name, start, () => family.build(values, this.kind), where);
  }

  private empirical(start: number): Distribution {
    const args = this.args(true);
    const file = args.find((a) => a.name === "file");
    if (file !== undefined) return this.empiricalFile(start, file, args);
    if (args.length === 0)
      this.fail(
        this.pos - 1,
        "empirical needs values",
        `empirical(v:w, ...) or empirical(file="samples.csv")`,
      );
    const values: number[] = [];
    const weights: number[] = [];
    for (const a of args) {
      if (a.name !== undefined || a.value === undefined) {
        this.fail(
          a.start,
          `unexpected parameter${a.name === undefined ? "" : ` "${a.name}"`}`,
          `value:weight pairs or file="..."`,
        );
      }
      if (a.weight === undefined)
        this.fail(
          a.value.end,
          "missing weight",
          `value:weight, e.g. ${this.kind === "duration" ? "5ms:0.3" : "5:0.3"}`,
        );
      values.push(this.quantity(a.value));
      if (!(a.weight.value > 0))
        this.fail(a.weight.start, `weight ${a.weight.numberText} is not > 0`, "a weight > 0");
      weights.push(a.weight.value);
    }
    return this.wrap("values", start, () => empirical(values, weights, this.kind));
  }

  private empiricalFile(start: number, file: Arg, args: Arg[]): Distribution {
    const unitArg = args.find((a) => a.name === "unit");
    for (const a of args) {
      if (a !== file && a !== unitArg)
        this.fail(a.start, "unexpected parameter", `empirical(file="...", unit=...)`);
    }
    if (file.word === undefined) this.fail(file.start, "missing file name", `file="samples.csv"`);
    const readFile = this.options.readFile;
    if (readFile === undefined) {
      this.fail(file.start, "files cannot be read here", "inline values: empirical(v:w, ...)");
    }
    let content: string;
    try {
      content = readFile(file.word);
    } catch (e) {
      this.fail(file.start, `cannot read "${file.word}": ${(e as Error).message}`, "a readable CSV file");
    }
    const unit = unitArg?.word ?? "";
    const samples: number[] = [];
    const lines = content.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const cell = lines[i]!.split(",")[0]!.trim();
      if (cell === "" || cell.startsWith("#")) continue;
      const cellText = unit !== "" && /^[+-]?[0-9.]+([eE][+-]?[0-9]+)?$/.test(cell) ? cell + unit : cell;
      const q = scanQuantity(cellText, 0);
      if (q === undefined || q.end !== cellText.length) {
        if (samples.length === 0 && q === undefined) continue; // header line
        this.fail(
          file.start,
          `${file.word} line ${i + 1}: "${cell}" is not a ${this.kind}`,
          UNIT_HINT[this.kind],
        );
      }
      try {
        samples.push(new Parser(cellText, this.kind, {}).quantity(q));
      } catch (e) {
        if (e instanceof UnitError)
          this.fail(file.start, `${file.word} line ${i + 1}: ${e.problem}`, e.expected);
        throw e;
      }
    }
    if (samples.length === 0) this.fail(file.start, `${file.word} holds no samples`, "one sample per line");
    const text = `empirical(file="${file.word}"${unit === "" ? "" : `, unit=${unit}`})`;
    return this.wrap("values", start, () => empirical(samples, undefined, this.kind, text));
  }
}
