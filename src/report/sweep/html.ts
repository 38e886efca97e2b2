import type { SweepPoint, SweepResult } from "../../sweep/result.js";
import type { Estimate } from "../../sweep/stats.js";
import { esc } from "../escape.js";
import { formatBytes, formatCount, formatRate, formatSeconds } from "../format.js";
import { renderXyChart, type XySeries } from "./chart.js";

type Kind = SweepResult["spec"]["vary"][number]["kind"];

/** How values of a varied dimension read on an axis, with the unit in the axis label. */
function axisOf(path: string, kind: Kind): { label: string; format: (v: number) => string } {
  switch (kind) {
    case "duration":
      return { label: `${path} (duration)`, format: formatSeconds };
    case "rate":
      return { label: `${path} (per second)`, format: formatRate };
    case "size":
      return { label: `${path} (bytes)`, format: formatBytes };
    default:
      return { label: path, format: formatCount };
  }
}

interface Line {
  readonly label: string;
  readonly points: readonly { readonly x: number; readonly pt: SweepPoint }[];
}

/**
 * The points along the analysis dimension (the first numeric --vary), one line per combination
 * of the other dimensions' values (at most 8), sorted by x.
 */
function lines(result: SweepResult): { dim: number; lines: Line[] } | null {
  const dims = result.spec.vary;
  const k = dims.findIndex((d) => d.numeric !== null);
  if (k < 0) return null;
  const d = dims[k]!;
  const groups = new Map<string, { x: number; pt: SweepPoint }[]>();
  for (const pt of result.points) {
    const key = dims
      .filter((_, j) => j !== k)
      .map((o) => `${o.path}=${pt.values[o.path]}`)
      .join(", ");
    const x = d.numeric![d.values.indexOf(pt.values[d.path]!)]!;
    if (!groups.has(key) && groups.size >= 8) continue;
    const g = groups.get(key) ?? [];
    g.push({ x, pt });
    groups.set(key, g);
  }
  return {
    dim: k,
    lines: [...groups].map(([label, pts]) => ({ label, points: pts.sort((a, b) => a.x - b.x) })),
  };
}

function seriesOf(label: string, pts: Line["points"], path: string, withSlo: boolean): XySeries {
  const est = (pt: SweepPoint): Estimate | undefined => pt.metrics[path];
  return {
    label,
    points: pts.map(({ x, pt }) => ({
      x,
      y: est(pt)?.mean ?? Number.NaN,
      lo: est(pt)?.lo ?? null,
      hi: est(pt)?.hi ?? null,
    })),
    ...(withSlo ? { slo: pts.map(({ pt }) => pt.slo?.pass) } : {}),
  };
}

/** The charts of a sweep report, as SVG strings keyed by file name (charts/<name>.svg). */
export function renderSweepCharts(result: SweepResult): Record<string, string> {
  const out: Record<string, string> = {};
  const ls = lines(result);
  if (ls === null) return out;
  const d = result.spec.vary[ls.dim]!;
  const ax = axisOf(d.path, d.kind);
  const latencyPath = result.spec.analysis.latency;
  const family = latencyPath.includes(".") ? latencyPath.slice(0, latencyPath.lastIndexOf(".")) : latencyPath;
  const first = result.points[0];
  const percentiles = ["p99", "p95", "p50"]
    .map((p) => `${family}.${p}`)
    .filter((p) => first?.metrics[p] !== undefined);
  if (!percentiles.includes(latencyPath) && first?.metrics[latencyPath] !== undefined)
    percentiles.push(latencyPath);
  const thresholds = sloThresholds(result, new Set(percentiles));
  const markers = (a: SweepResult["analysis"]) => [
    ...(a.knee ? [{ x: a.knee.x, label: `knee ${a.knee.value}` }] : []),
    ...(a.saturation ? [{ x: a.saturation.x, label: `saturation ${a.saturation.value}` }] : []),
  ];
  const base = ls.lines[0]!;
  const latencySeries =
    ls.lines.length === 1
      ? percentiles.map((p) => seriesOf(p, base.points, p, p === latencyPath && result.spec.slo !== null))
      : ls.lines.map((l) => seriesOf(l.label, l.points, latencyPath, result.spec.slo !== null));
  out["latency.svg"] = renderXyChart({
    id: "sweep-latency",
    title: `Latency vs ${d.path} (mean of ${result.spec.replications} replications, 95 % CI)`,
    nonNegative: true,
    xLabel: ax.label,
    yLabel: ls.lines.length === 1 ? "latency" : `${latencyPath} (latency)`,
    xFormat: ax.format,
    yFormat: formatSeconds,
    series: latencySeries,
    vMarkers: markers(result.analysis),
    hLines: thresholds,
  });
  const { offered, throughput } = result.spec.analysis;
  if (first?.metrics[offered] !== undefined && first.metrics[throughput] !== undefined) {
    const tSeries: XySeries[] = ls.lines.map((l) => ({
      label: ls.lines.length === 1 ? throughput : l.label,
      points: l.points
        .map(({ pt }) => ({ pt, x: pt.metrics[offered]!.mean, e: pt.metrics[throughput]! }))
        .sort((a, b) => a.x - b.x)
        .map(({ x, e }) => ({ x, y: e.mean, lo: e.lo, hi: e.hi })),
    }));
    const sat = result.analysis.saturation;
    const satX = sat === null ? undefined : result.points[sat.point]?.metrics[offered]?.mean;
    out["throughput.svg"] = renderXyChart({
      id: "sweep-throughput",
      title: "Throughput vs offered load",
      xLabel: `offered load: ${offered} (per second)`,
      yLabel: `${throughput} (per second)`,
      xFormat: formatRate,
      yFormat: formatRate,
      series: tSeries,
      diagonal: true,
      nonNegative: true,
      vMarkers: sat !== null && satX !== undefined ? [{ x: satX, label: `saturation at ${sat.value}` }] : [],
    });
  }
  return out;
}

/** SLO clauses of the form `<path> < value` on a charted path, drawn as threshold lines. */
function sloThresholds(result: SweepResult, charted: Set<string>): { y: number; label: string }[] {
  return result.sloClauses
    .filter((c) => (c.op === "<" || c.op === "<=") && charted.has(c.path))
    .map((c) => ({ y: c.threshold, label: `SLO ${c.clause}` }));
}

function fmtEstimate(e: Estimate | undefined, f: (v: number) => string): string {
  if (e === undefined || e.n === 0) return "–";
  return e.halfWidth === null ? f(e.mean) : `${f(e.mean)} ± ${f(e.halfWidth)}`;
}

/** The self-contained sweep report (inline SVG, no scripts). */
export function renderSweepHtml(result: SweepResult): string {
  const s = result.spec;
  const charts = renderSweepCharts(result);
  const a = result.analysis;
  const answer: string[] = [];
  if (a.dimension !== null) {
    if (s.vary.length > 1) {
      const others = s.vary.filter((d) => d.path !== a.dimension).map((d) => `${d.path} = ${d.values[0]}`);
      answer.push(`<li>Along ${esc(a.dimension)} with ${esc(others.join(", "))}:</li>`);
    }
    answer.push(
      `<li>Knee of ${esc(s.analysis.latency)}: ${a.knee ? `<b>${esc(a.dimension)} = ${esc(a.knee.value)}</b>` : "none found (the curve has no pronounced bend)"}</li>`,
      `<li>Saturation (${esc(s.analysis.throughput)} below 95 % of ${esc(s.analysis.offered)}): ${a.saturation ? `<b>${esc(a.dimension)} = ${esc(a.saturation.value)}</b>` : "not reached in the swept range"}</li>`,
    );
    if (s.slo !== null) {
      answer.push(
        `<li>Largest ${esc(a.dimension)} meeting the SLO on the means: ${a.lastPassing ? `<b>${esc(a.lastPassing.value)}</b>` : "none"}</li>`,
      );
    }
  }
  const keyMetrics = [s.analysis.latency, s.analysis.offered, s.analysis.throughput].filter(
    (m) => result.points[0]?.metrics[m] !== undefined,
  );
  const fmtOf = (m: string) => (/latency|wait|time/i.test(m) ? formatSeconds : formatRate);
  const rows = result.points.map((p) => {
    const slo =
      p.slo === null
        ? ""
        : `<td class="${p.slo.pass ? "pass" : "fail"}">${p.slo.pass ? "met" : "missed"}${p.slo.confident ? " (95 % confident)" : ""}</td><td>${esc(formatCount(p.slo.passFraction * 100))} %</td>`;
    return `<tr><td>${p.index}</td>${s.vary.map((d) => `<td>${esc(p.values[d.path]!)}</td>`).join("")}${keyMetrics
      .map((m) => `<td>${esc(fmtEstimate(p.metrics[m], fmtOf(m)))}</td>`)
      .join("")}${slo}</tr>`;
  });
  const head = `<tr><th>point</th>${s.vary.map((d) => `<th>${esc(d.path)}</th>`).join("")}${keyMetrics
    .map((m) => `<th>${esc(m)} (mean ± 95 % CI)</th>`)
    .join("")}${s.slo !== null ? "<th>SLO</th><th>replications meeting it</th>" : ""}</tr>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sweep: ${esc(s.scenario.name)}</title>
<style>
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:24px;color:#111;max-width:1100px}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}
th{background:#f4f4f4}td.pass{color:#007a5a}td.fail{color:#b34700;font-weight:600}
code{background:#f4f4f4;padding:1px 4px}figure{margin:16px 0}
</style></head><body>
<h1>Sweep: ${esc(s.scenario.name)}</h1>
<p>${result.points.length} points × ${s.replications} replications; seed ${s.seed}, ${s.seeding === "common" ? "common random numbers across points" : "independent seeds per point"}; confidence ${s.confidence * 100} % (Student t).
Varied: ${s.vary.map((d) => `<code>${esc(d.path)}</code> = ${esc(d.values.join(", "))}`).join("; ")}.
${s.sets.length > 0 ? `Overrides: ${s.sets.map((x) => `<code>${esc(x)}</code>`).join(" ")}.` : ""}
${s.slo !== null ? `SLO: <code>${esc(s.slo)}</code>.` : ""}</p>
<h2>Answer</h2><ul>${answer.join("") || "<li>no numeric parameter varied: see the table</li>"}</ul>
${Object.entries(charts)
  .map(([name, svg]) => `<figure data-file="charts/${esc(name)}">${svg}</figure>`)
  .join("\n")}
<h2>Points</h2>
<table><thead>${head}</thead><tbody>${rows.join("")}</tbody></table>
<p>Every summary metric with its confidence interval is in <a href="sweep.csv">sweep.csv</a> and <a href="sweep.json">sweep.json</a>.</p>
</body></html>
`;
}
