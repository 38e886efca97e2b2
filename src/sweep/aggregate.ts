import { checkSlo, checkSloWith, parseSlo, type Slo, type SloClause } from "../metrics/slo.js";
import { findKnee } from "./knee.js";
import { type RunRecord, SWEEP_FORMAT, type SweepPoint, type SweepResult, type SweepSpec } from "./result.js";
import { type Estimate, estimate } from "./stats.js";

/** Throughput below this fraction of the offered load marks saturation. */
export const SATURATION_RATIO = 0.95;

/** Numeric leaves of a nested summary as [dotted path, value], in key order; null leaves give NaN. */
export function flattenSummary(
  summary: unknown,
  prefix = "",
  out: [string, number][] = [],
): [string, number][] {
  if (summary === null || typeof summary !== "object" || Array.isArray(summary)) return out;
  for (const [key, value] of Object.entries(summary as Record<string, unknown>)) {
    const path = prefix === "" ? key : `${prefix}.${key}`;
    if (typeof value === "number") out.push([path, value]);
    else if (value === null) out.push([path, Number.NaN]);
    else if (typeof value === "object") flattenSummary(value, path, out);
  }
  return out;
}

/** Number of grid points of a spec. */
export function pointCount(spec: SweepSpec): number {
  return spec.vary.reduce((n, d) => n * d.values.length, 1);
}

/** The value texts of grid point `index` (row-major, first dimension slowest). */
export function pointValues(spec: SweepSpec, index: number): string[] {
  const values: string[] = [];
  let rest = index;
  for (let k = spec.vary.length - 1; k >= 0; k--) {
    const n = spec.vary[k]!.values.length;
    values[k] = spec.vary[k]!.values[rest % n]!;
    rest = Math.floor(rest / n);
  }
  return values;
}

/**
 * Combine every run of a sweep into its result. `runs` may come in any order (workers finish out
 * of order, shards are merged in any order): they are placed by (point, replication), so the
 * result is the same bytes whatever produced them. Throws if a run is missing or duplicated.
 */
export function aggregate(spec: SweepSpec, runs: readonly RunRecord[]): SweepResult {
  const nPoints = pointCount(spec);
  const R = spec.replications;
  const table: (RunRecord | undefined)[] = new Array(nPoints * R).fill(undefined);
  for (const run of runs) {
    const j = run.point * R + run.replication;
    if (!(run.point >= 0 && run.point < nPoints && run.replication >= 0 && run.replication < R)) {
      throw new RangeError(`run (point ${run.point}, replication ${run.replication}) is outside the grid`);
    }
    if (table[j] !== undefined) {
      throw new RangeError(`run (point ${run.point}, replication ${run.replication}) appears twice`);
    }
    table[j] = run;
  }
  const missing = table.indexOf(undefined);
  if (missing >= 0) {
    const n = table.filter((r) => r === undefined).length;
    throw new RangeError(
      `${n} of ${table.length} runs are missing, the first is point ${Math.floor(missing / R)} replication ${missing % R}`,
    );
  }
  const slo: Slo | null = spec.slo === null ? null : parseSlo(spec.slo);
  // metric paths in order of first appearance over (point, replication) order
  const flat = (table as RunRecord[]).map((r) => new Map(flattenSummary(r.summary)));
  const paths: string[] = [];
  const seen = new Set<string>();
  for (const m of flat)
    for (const p of m.keys())
      if (!seen.has(p)) {
        seen.add(p);
        paths.push(p);
      }

  const points: SweepPoint[] = [];
  for (let p = 0; p < nPoints; p++) {
    const rows = flat.slice(p * R, (p + 1) * R);
    const metrics: Record<string, Estimate> = {};
    for (const path of paths) {
      metrics[path] = estimate(
        rows.map((m) => m.get(path) ?? Number.NaN),
        spec.confidence,
      );
    }
    const values: Record<string, string> = {};
    pointValues(spec, p).forEach((v, k) => {
      values[spec.vary[k]!.path] = v;
    });
    const runsOfPoint = (table as RunRecord[]).slice(p * R, (p + 1) * R);
    points.push({
      index: p,
      values,
      seeds: runsOfPoint.map((r) => r.seed),
      metrics,
      slo: slo === null ? null : pointSlo(slo, metrics, runsOfPoint),
    });
  }
  return {
    format: SWEEP_FORMAT,
    units: { durations: "s", rates: "per second", sizes: "bytes" },
    spec,
    sloClauses:
      slo === null
        ? []
        : slo.clauses.map((c) => ({ clause: c.text, path: c.path, op: c.op, threshold: c.threshold })),
    points,
    analysis: analyse(spec, points),
  };
}

/** The clause's value at its pessimistic confidence bound (upper for <, lower for >). */
function pessimistic(e: Estimate | undefined, clause: SloClause): number | undefined {
  if (e === undefined || e.n === 0) return undefined;
  if (clause.op === "<" || clause.op === "<=") return e.hi ?? e.mean;
  if (clause.op === ">" || clause.op === ">=") return e.lo ?? e.mean;
  return e.mean;
}

function pointSlo(slo: Slo, metrics: Record<string, Estimate>, runs: readonly RunRecord[]) {
  const onMean = checkSloWith(slo, (path) => metrics[path]?.mean);
  const onBound = checkSloWith(slo, (path, clause) => pessimistic(metrics[path], clause));
  const passing = runs.filter((r) => checkSlo(slo, r.summary).pass).length;
  return { pass: onMean.pass, confident: onBound.pass, passFraction: passing / runs.length };
}

function analyse(spec: SweepSpec, points: readonly SweepPoint[]): SweepResult["analysis"] {
  const none = { dimension: null, knee: null, saturation: null, lastPassing: null };
  const k = spec.vary.findIndex((d) => d.numeric !== null);
  if (k < 0) return none;
  const dim = spec.vary[k]!;
  // the points along dimension k with every other dimension at its first value
  const line = points.filter((pt) => spec.vary.every((d, j) => j === k || pt.values[d.path] === d.values[0]));
  const order = line
    .map((pt) => ({ pt, x: dim.numeric![dim.values.indexOf(pt.values[dim.path]!)]! }))
    .sort((a, b) => a.x - b.x || a.pt.index - b.pt.index);
  const at = (i: number) => ({
    point: order[i]!.pt.index,
    x: order[i]!.x,
    value: order[i]!.pt.values[dim.path]!,
  });
  const lat = order.map((o) => o.pt.metrics[spec.analysis.latency]?.mean ?? Number.NaN);
  const knee = findKnee(
    order.map((o) => o.x),
    lat,
  );
  let saturation: SweepResult["analysis"]["saturation"] = null;
  for (let i = 0; i < order.length; i++) {
    const m = order[i]!.pt.metrics;
    const offered = m[spec.analysis.offered]?.mean;
    const got = m[spec.analysis.throughput]?.mean;
    if (offered !== undefined && got !== undefined && offered > 0 && got < SATURATION_RATIO * offered) {
      saturation = at(i);
      break;
    }
  }
  let lastPassing: SweepResult["analysis"]["lastPassing"] = null;
  for (let i = 0; i < order.length; i++) if (order[i]!.pt.slo?.pass === true) lastPassing = at(i);
  return { dimension: dim.path, knee: knee === null ? null : at(knee.index), saturation, lastPassing };
}
