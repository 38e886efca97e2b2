import type { Nanoseconds } from "../engine/time.js";

/**
 * Warm-up (initial transient) detection. A run starts empty and idle, so early observations are
 * biased low; steady-state metrics should discard them.
 *
 * MSER-5 (White, "An effective truncation heuristic for bias reduction in simulation output",
 * Simulation 69(6), 1997; White, Cobb & Spratt, WSC 2000): average the series in batches of 5,
 * then choose the truncation d (in batches) that minimises
 *     MSER(d) = 1 / (n - d)^2 · Σ_{i=d+1..n} (Z_i - Z̄_d)^2
 * i.e. the squared standard error of the truncated mean, then keep it only when the discarded part
 * is significantly different (see significantShift). Only d ≤ n / 2 is considered (the
 * statistic is noisy when few batches remain). A minimum AT that limit means the transient may
 * last longer than half the run: the run is too short to reach steady state, which we report
 * (`steady: false`) rather than truncate most of the data.
 */

export interface Truncation {
  /** Observations to discard from the start (a multiple of the batch size). */
  readonly discard: number;
  /** Batches discarded. */
  readonly batches: number;
  /** The MSER statistic at the chosen truncation. */
  readonly statistic: number;
  /** False when the minimum lies at the half-way limit (the run may be too short). */
  readonly steady: boolean;
}

/** The MSER-b truncation point of `series` (b = 5 gives MSER-5). NaN observations are not allowed. */
export function mser(series: ArrayLike<number>, batchSize = 5): Truncation {
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) {
    throw new RangeError(`batch size must be a positive integer, got ${batchSize}`);
  }
  const n = Math.floor(series.length / batchSize);
  if (n < 2) return { discard: 0, batches: 0, statistic: 0, steady: series.length > 0 };
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < batchSize; j++) s += series[i * batchSize + j]!;
    z[i] = s / batchSize;
  }
  // suffix sums give every MSER(d) in O(n): Σ(Z - Z̄)^2 = Σ Z^2 - (Σ Z)^2 / m
  let sum = 0;
  let sumSq = 0;
  const stat = new Float64Array(n);
  for (let d = n - 1; d >= 0; d--) {
    sum += z[d]!;
    sumSq += z[d]! * z[d]!;
    const m = n - d;
    const ss = Math.max(0, sumSq - (sum * sum) / m);
    stat[d] = ss / (m * m);
  }
  const limit = Math.floor(n / 2);
  let best = 0;
  for (let d = 1; d <= limit; d++) if (stat[d]! < stat[best]!) best = d;
  if (best > 0 && !significantShift(z, best)) best = 0;
  return { discard: best * batchSize, batches: best, statistic: stat[best]!, steady: best < limit };
}

/**
 * Guard against over-truncating a stationary series. On noisy, right-skewed output (waits that
 * are mostly zero with rare spikes) the MSER minimum often falls just after an early spike, and
 * discarding it biases the mean LOW (seen on M/M/c runs: 10 % low at ρ = 0.4). A run starts
 * empty and idle, so its real initial transient has LOWER latency than steady state. Keep the
 * truncation only when the discarded batches' mean is below the kept batches' mean by more than
 * 2 standard errors (kept batches' s.d. as the noise estimate): a warm-up from empty passes,
 * an early spike does not.
 */
function significantShift(z: Float64Array, d: number): boolean {
  const n = z.length;
  let sumHead = 0;
  for (let i = 0; i < d; i++) sumHead += z[i]!;
  let sumTail = 0;
  for (let i = d; i < n; i++) sumTail += z[i]!;
  const m = n - d;
  const meanTail = sumTail / m;
  let ss = 0;
  for (let i = d; i < n; i++) ss += (z[i]! - meanTail) ** 2;
  const sd = m > 1 ? Math.sqrt(ss / (m - 1)) : 0;
  const se = sd * Math.sqrt(1 / d + 1 / m);
  return meanTail - sumHead / d > 2 * se;
}

/** MSER-5, the default warm-up heuristic. */
export function mser5(series: ArrayLike<number>): Truncation {
  return mser(series, 5);
}

// ---- steady-state statistics after a warm-up ------------------------------------------------

/**
 * How much of the start of a run to discard before steady-state statistics:
 * "mser5" (the default) picks the truncation with MSER-5 over the time series of mean end-to-end
 * latency in MSER_BINS equal bins of the run (bins, not single deliveries: per-delivery waits are
 * mostly zero with rare spikes, and MSER then truncates after early spikes, biasing the mean
 * low); a fixed duration discards deliveries before that simulated time; "none" keeps everything.
 */
export type Warmup =
  | { readonly kind: "mser5" }
  | { readonly kind: "none" }
  | { readonly kind: "fixed"; readonly ns: Nanoseconds };

export const DEFAULT_WARMUP: Warmup = { kind: "mser5" };

/** Latency statistics of the kept deliveries, seconds (exact order statistics, not a histogram). */
export interface SteadyLatency {
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * The `steady` section sweeps add to a run's summary: statistics over deliveries after the
 * warm-up. Numeric leaves only (steady is 1 or 0) so SLOs and sweeps address them by path,
 * e.g. `steady.latency.p99`, `steady.queueWait.mean`.
 */
export interface SteadySummary {
  /** Discarded start of the run, seconds. */
  readonly warmup: number;
  /** 1 when the warm-up ended in the first half of the observations, 0 when the run may be too short. */
  readonly steady: number;
  /** Deliveries kept. */
  readonly count: number;
  /** Publish to delivery, s. */
  readonly latency: SteadyLatency;
  /** Enqueue to delivery, s. */
  readonly queueWait: SteadyLatency;
  /** Per second over [warmup, end]. */
  readonly throughput: { readonly delivered: number; readonly consumed: number };
}

/** The payload fields the steady-state collector reads (a subset of the AMQP signals). */
export interface SteadySignals {
  readonly delivered: {
    subscribe(
      fn: (s: { time: Nanoseconds; publishedAt: Nanoseconds; enqueuedAt: Nanoseconds }) => void,
    ): () => void;
  };
  readonly settled: { subscribe(fn: (s: { time: Nanoseconds; kind: string }) => void): () => void };
}

/** A growable column of doubles. */
class Column {
  data = new Float64Array(1024);
  length = 0;
  push(x: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = x;
  }
}

/**
 * Records every delivery's (time, latency, queue wait) and every ack's time (24 bytes per
 * delivery, 8 per ack), then computes steady-state statistics after the warm-up.
 */
export class SteadyStateCollector {
  private readonly times = new Column();
  private readonly latencies = new Column();
  private readonly waits = new Column();
  private readonly acks = new Column();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    signals: SteadySignals,
    private readonly warmup: Warmup = DEFAULT_WARMUP,
  ) {
    this.unsubscribe.push(
      signals.delivered.subscribe((s) => {
        this.times.push(s.time);
        this.latencies.push(s.time - s.publishedAt);
        this.waits.push(s.time - s.enqueuedAt);
      }),
      signals.settled.subscribe((s) => {
        if (s.kind === "ack") this.acks.push(s.time);
      }),
    );
  }

  /** Statistics over [warm-up, endTime]; endTime in ns. */
  finish(endTime: Nanoseconds): SteadySummary {
    for (const u of this.unsubscribe) u();
    const n = this.times.length;
    const times = this.times.data.subarray(0, n);
    let first = 0;
    let steady = true;
    if (this.warmup.kind === "mser5") {
      const t = mser5(binMeans(times, this.latencies.data, endTime, MSER_BINS));
      // the truncation is a bin boundary: keep deliveries from that time on
      const cut = (t.discard * endTime) / MSER_BINS;
      while (first < n && times[first]! < cut) first++;
      steady = t.steady;
    } else if (this.warmup.kind === "fixed") {
      const w = this.warmup.ns;
      while (first < n && times[first]! < w) first++;
    }
    const start = this.warmup.kind === "fixed" ? this.warmup.ns : first === 0 ? 0 : times[first]!;
    const span = Math.max(0, endTime - start) / 1e9;
    let acks = 0;
    for (let i = 0; i < this.acks.length; i++) if (this.acks.data[i]! >= start) acks++;
    return {
      warmup: start / 1e9,
      steady: steady ? 1 : 0,
      count: n - first,
      latency: stats(this.latencies.data.subarray(first, n)),
      queueWait: stats(this.waits.data.subarray(first, n)),
      throughput: { delivered: span > 0 ? (n - first) / span : 0, consumed: span > 0 ? acks / span : 0 },
    };
  }
}

/** Time bins of the run MSER-5 runs over: 500 bins, i.e. 100 batches of 5. */
export const MSER_BINS = 500;

/**
 * Mean latency of the deliveries in each of `bins` equal time bins of [0, end]; an empty bin
 * repeats the previous bin's mean (0 before the first delivery).
 */
export function binMeans(
  times: ArrayLike<number>,
  values: ArrayLike<number>,
  end: Nanoseconds,
  bins: number,
): Float64Array {
  const sum = new Float64Array(bins);
  const count = new Float64Array(bins);
  for (let i = 0; i < times.length; i++) {
    const b = Math.min(bins - 1, Math.floor((times[i]! / end) * bins));
    sum[b]! += values[i]!;
    count[b]!++;
  }
  const out = new Float64Array(bins);
  let last = 0;
  for (let b = 0; b < bins; b++) {
    if (count[b]! > 0) last = sum[b]! / count[b]!;
    out[b] = last;
  }
  return out;
}

/** Mean and exact order statistics (nearest rank) of ns samples, in seconds; zeros when empty. */
function stats(samples: Float64Array): SteadyLatency {
  const n = samples.length;
  if (n === 0) return { mean: 0, p50: 0, p95: 0, p99: 0, max: 0 };
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i]!;
  const q = (p: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))]! / 1e9;
  return { mean: sum / n / 1e9, p50: q(0.5), p95: q(0.95), p99: q(0.99), max: sorted[n - 1]! / 1e9 };
}
