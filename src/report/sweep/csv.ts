import type { SweepResult } from "../../sweep/result.js";

/** RFC 4180 field: quoted when it holds a comma, quote or newline. */
function field(v: string | number | boolean | null): string {
  if (v === null) return "";
  const s = typeof v === "number" && !Number.isFinite(v) ? "" : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * sweep.csv: one row per grid point. Columns: point, each varied path (its value as written),
 * then for every summary path `<path>.mean`, `<path>.ci_lo`, `<path>.ci_hi` (result.json units:
 * seconds, per second, bytes), then the SLO columns when the sweep has an SLO.
 */
export function renderSweepCsv(result: SweepResult): string {
  const dims = result.spec.vary.map((d) => d.path);
  const metrics = result.points.length > 0 ? Object.keys(result.points[0]!.metrics) : [];
  const header = ["point", ...dims];
  for (const m of metrics) header.push(`${m}.mean`, `${m}.ci_lo`, `${m}.ci_hi`);
  if (result.spec.slo !== null) header.push("slo.pass", "slo.confident", "slo.pass_fraction");
  const rows = [header.map(field).join(",")];
  for (const p of result.points) {
    const row: (string | number | boolean | null)[] = [p.index, ...dims.map((d) => p.values[d]!)];
    for (const m of metrics) {
      const e = p.metrics[m];
      row.push(e?.mean ?? null, e?.lo ?? null, e?.hi ?? null);
    }
    if (p.slo !== null) row.push(p.slo.pass, p.slo.confident, p.slo.passFraction);
    rows.push(row.map(field).join(","));
  }
  return `${rows.join("\n")}\n`;
}
