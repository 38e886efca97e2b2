import type { VaryDimension } from "./vary.js";

/** One point of a sweep grid: a value for each varied dimension. */
export interface GridPoint {
  /** 0-based, row-major: the first --vary changes slowest. */
  readonly index: number;
  /** The value text of each dimension, in --vary order. */
  readonly values: readonly string[];
  /** The overrides for this point, `path=value`, in --vary order (the --set syntax). */
  readonly sets: readonly string[];
}

/** Largest grid a sweep accepts; past this a typo (a step of 1/s instead of 100/s) is likelier. */
export const MAX_GRID_POINTS = 100_000;

/** The Cartesian product of the dimensions, row-major (first dimension outermost). */
export function buildGrid(dims: readonly VaryDimension[]): GridPoint[] {
  let total = 1;
  for (const d of dims) total *= d.values.length;
  if (total > MAX_GRID_POINTS) {
    throw new RangeError(`the grid has ${total} points, more than the limit of ${MAX_GRID_POINTS}`);
  }
  const points: GridPoint[] = [];
  for (let index = 0; index < total; index++) {
    const values: string[] = [];
    let rest = index;
    for (let k = dims.length - 1; k >= 0; k--) {
      const n = dims[k]!.values.length;
      values[k] = dims[k]!.values[rest % n]!;
      rest = Math.floor(rest / n);
    }
    points.push({ index, values, sets: dims.map((d, k) => `${d.path}=${values[k]}`) });
  }
  return points;
}
