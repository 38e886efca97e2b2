import type { SweepResult } from "../../sweep/result.js";
import { formatRate, formatSeconds } from "../format.js";

/** A terminal summary of a sweep: one line per point and the answer. */
export function renderSweepText(result: SweepResult): string {
  const s = result.spec;
  const lines: string[] = [];
  const cols = [s.analysis.latency, s.analysis.throughput].filter(
    (m) => result.points[0]?.metrics[m] !== undefined,
  );
  const fmt = (m: string) => (/latency|wait|time/i.test(m) ? formatSeconds : formatRate);
  const header = [
    ...s.vary.map((d) => d.path),
    ...cols.map((m) => `${m} (±95%)`),
    ...(s.slo !== null ? ["SLO"] : []),
  ];
  const rows = result.points.map((p) => [
    ...s.vary.map((d) => p.values[d.path]!),
    ...cols.map((m) => {
      const e = p.metrics[m]!;
      return e.halfWidth === null ? fmt(m)(e.mean) : `${fmt(m)(e.mean)} ±${fmt(m)(e.halfWidth)}`;
    }),
    ...(p.slo === null ? [] : [p.slo.pass ? (p.slo.confident ? "met (95% confident)" : "met") : "MISSED"]),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  lines.push(line(header), ...rows.map(line));
  const a = result.analysis;
  if (a.dimension !== null) {
    lines.push("");
    lines.push(`knee of ${s.analysis.latency}: ${a.knee ? `${a.dimension}=${a.knee.value}` : "none found"}`);
    lines.push(`saturation: ${a.saturation ? `${a.dimension}=${a.saturation.value}` : "not reached"}`);
    if (s.slo !== null)
      lines.push(`largest ${a.dimension} meeting "${s.slo}": ${a.lastPassing?.value ?? "none"}`);
  }
  return `${lines.join("\n")}\n`;
}
