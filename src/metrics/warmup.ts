/**
 * Warm-up (initial transient) detection. A run starts empty and idle, so early observations are
 * biased low; steady-state metrics should discard them.
 *
 * MSER-5 (White, "An effective truncation heuristic for bias reduction in simulation output",
 * Simulation 69(6), 1997; White, Cobb & Spratt, WSC 2000): average the series in batches of 5,
 * then choose the truncation d (in batches) that minimises
 *     MSER(d) = 1 / (n - d)^2 · Σ_{i=d+1..n} (Z_i - Z̄_d)^2
 * i.e. the squared standard error of the truncated mean. Only d ≤ n / 2 is considered (the
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
export function mser(series: readonly number[], batchSize = 5): Truncation {
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
  return { discard: best * batchSize, batches: best, statistic: stat[best]!, steady: best < limit };
}

/** MSER-5, the default warm-up heuristic. */
export function mser5(series: readonly number[]): Truncation {
  return mser(series, 5);
}
