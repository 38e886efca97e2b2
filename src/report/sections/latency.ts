import type { LatencySummary, RunResult } from "../../metrics/result.js";
import { renderCdfChart } from "../charts/cdf-chart.js";
import { renderHistogramChart } from "../charts/histogram-chart.js";
import { renderTimeChart } from "../charts/time-chart.js";
import { durationUnit, formatSeconds } from "../format.js";
import { htmlTable, mdTable } from "../table.js";
import type { ReportSection } from "./section.js";

/** Latency: percentiles over time, the distribution (log histogram and CDF), and a table. */
export function latencySection(r: RunResult): ReportSection {
  const ts = r.timeSeries;
  const l = ts.latency;
  let maxV = 0;
  for (const s of [l.p50, l.p95, l.p99]) for (const v of s) if (v !== null && v > maxV) maxV = v;
  const u = durationUnit(maxV);
  const scaled = (vs: readonly (number | null)[]) => vs.map((v) => (v === null ? null : v * u.factor));
  const charts = [
    {
      id: "latency-over-time",
      title: "Latency percentiles over time (publish → delivery)",
      svg: renderTimeChart({
        id: "latency-over-time",
        title: "Latency percentiles over time (publish → delivery)",
        yLabel: `latency (${u.unit})`,
        yFormat: (v) => String(Number(v.toPrecision(4))),
        time: ts.time,
        binWidth: ts.binWidth,
        endTime: r.run.endTime,
        markers: r.markers,
        lines: [
          { name: "p50", values: scaled(l.p50) },
          { name: "p95", values: scaled(l.p95) },
          { name: "p99", values: scaled(l.p99) },
        ],
        emptyText: "no deliveries in this run",
      }),
      caption: "Percentiles of the deliveries in each bin; gaps are bins without deliveries.",
    },
    {
      id: "latency-histogram",
      title: "Latency distribution (publish → delivery)",
      svg: renderHistogramChart(
        "latency-histogram",
        "Latency distribution (publish → delivery)",
        r.histograms.latency,
        "deliveries",
      ),
      caption: `${r.histograms.latency.bucketsPerDecade} buckets per decade.`,
    },
    {
      id: "latency-cdf",
      title: "Latency CDF (publish → delivery)",
      svg: renderCdfChart(
        "latency-cdf",
        "Latency CDF (publish → delivery)",
        r.histograms.latency,
        r.summary.latency,
      ),
    },
  ];
  const headers = ["measure", "count", "min", "median", "p75", "p95", "p99", "p99.9", "max", "mean"];
  const row = (name: string, s: LatencySummary) => [
    name,
    s.count,
    ...[s.min, s.p50, s.p75, s.p95, s.p99, s.p999, s.max, s.mean].map((v) =>
      s.count ? formatSeconds(v) : "—",
    ),
  ];
  const rows = [
    row("publish → delivery", r.summary.latency),
    row("publish → confirm", r.summary.confirmLatency),
    row("wait in queue", r.summary.queueWait),
  ];
  return {
    id: "latency",
    title: "Latency",
    charts,
    html: htmlTable(headers, rows),
    markdown: mdTable(headers, rows),
  };
}
