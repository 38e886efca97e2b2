import { parseSlo, type SloClause } from "../metrics/slo.js";
import type { SweepPoint } from "./result.js";

/**
 * Saturation search: the largest value of a parameter that still meets an SLO (e.g. the highest
 * publish rate with latency.p99 < 30s), or, when more of the parameter helps (consumers), the
 * smallest value that meets it.
 *
 * The candidate values are a grid (FROM..TO:RESOLUTION). Both ends are evaluated first: pass at
 * FROM and fail at TO means "largest passing" (load-like parameter); fail at FROM and pass at TO
 * means "smallest passing" (capacity-like parameter). Then bisection keeps one passing and one
 * failing neighbour until they are adjacent on the grid: about log2(grid size) + 2 evaluations,
 * each of R replications. This assumes the SLO outcome is monotone in the parameter; common
 * random numbers across values (the default seeding) keep sampling noise from breaking that
 * near the boundary. Every evaluated point is reported so a non-monotone result can be seen.
 */
export type Criterion = "mean" | "confident";

export interface SaturationAnswer {
  readonly direction: "largest" | "smallest" | "all-pass" | "none-pass";
  /** Grid index of the answer, or null when no value meets the SLO. */
  readonly index: number | null;
  /** Grid index of the adjacent value that fails (null at the ends of the range). */
  readonly failingNeighbour: number | null;
  /** Grid indices in the order they were evaluated. */
  readonly evaluated: readonly number[];
}

/** `evaluate(i)` runs grid value i (with its replications) and returns its aggregated point. */
export async function searchSaturation(
  size: number,
  evaluate: (index: number) => Promise<SweepPoint>,
  criterion: Criterion,
): Promise<SaturationAnswer> {
  if (size < 1) throw new RangeError("the parameter range has no values");
  const evaluated: number[] = [];
  const cache = new Map<number, boolean>();
  const passes = async (i: number): Promise<boolean> => {
    const hit = cache.get(i);
    if (hit !== undefined) return hit;
    const point = await evaluate(i);
    evaluated.push(i);
    if (point.slo === null) throw new RangeError("saturate needs an SLO");
    const ok = criterion === "mean" ? point.slo.pass : point.slo.confident;
    cache.set(i, ok);
    return ok;
  };
  const first = await passes(0);
  const last = size === 1 ? first : await passes(size - 1);
  if (first && last) return { direction: "all-pass", index: size - 1, failingNeighbour: null, evaluated };
  if (!first && !last) return { direction: "none-pass", index: null, failingNeighbour: null, evaluated };
  // invariant: outcome(good) passes, outcome(bad) fails
  let good = first ? 0 : size - 1;
  let bad = first ? size - 1 : 0;
  while (Math.abs(bad - good) > 1) {
    const mid = Math.floor((good + bad) / 2);
    if (await passes(mid)) good = mid;
    else bad = mid;
  }
  return { direction: first ? "largest" : "smallest", index: good, failingNeighbour: bad, evaluated };
}

/** The clauses of an SLO text, first clause per path (for describing evaluated points in its units). */
export function parseSloClauses(slo: string): SloClause[] {
  const seen = new Set<string>();
  return parseSlo(slo).clauses.filter((c) => !seen.has(c.path) && seen.add(c.path));
}
