/**
 * The knee of a curve: where latency stops being flat as load grows (or, for a decreasing curve
 * such as latency vs consumers, where adding more stops helping).
 *
 * Method (Kneedle, Satopää et al., "Finding a 'Kneedle' in a Haystack", ICDCS workshops 2011,
 * in its simplest form): scale x and y to [0, 1], draw the chord from the first to the last
 * point, and take the point farthest BELOW the chord. For a convex curve (flat, then steep) that
 * is the point just before the steep part. When no point lies at least `minDistance` below the
 * chord the curve has no knee (it is straight or concave) and null is returned.
 */
export interface Knee {
  /** Index of the knee point in the input arrays. */
  readonly index: number;
  readonly x: number;
  readonly y: number;
  /** Normalised distance below the chord, in (0, 1]. */
  readonly distance: number;
}

/** Points must be sorted by x; non-finite y values are skipped. */
export function findKnee(xs: readonly number[], ys: readonly number[], minDistance = 0.05): Knee | null {
  const idx: number[] = [];
  for (let i = 0; i < xs.length; i++) if (Number.isFinite(xs[i]) && Number.isFinite(ys[i])) idx.push(i);
  if (idx.length < 3) return null;
  const x0 = xs[idx[0]!]!;
  const x1 = xs[idx[idx.length - 1]!]!;
  let yMin = Number.POSITIVE_INFINITY;
  let yMax = Number.NEGATIVE_INFINITY;
  for (const i of idx) {
    yMin = Math.min(yMin, ys[i]!);
    yMax = Math.max(yMax, ys[i]!);
  }
  if (x1 === x0 || yMax === yMin) return null;
  const nx = (i: number) => (xs[i]! - x0) / (x1 - x0);
  const ny = (i: number) => (ys[i]! - yMin) / (yMax - yMin);
  const first = idx[0]!;
  const last = idx[idx.length - 1]!;
  const y0n = ny(first);
  const y1n = ny(last);
  let best: Knee | null = null;
  for (const i of idx.slice(1, -1)) {
    const chord = y0n + (y1n - y0n) * nx(i);
    const distance = chord - ny(i);
    if (distance >= minDistance && (best === null || distance > best.distance)) {
      best = { index: i, x: xs[i]!, y: ys[i]!, distance };
    }
  }
  return best;
}
