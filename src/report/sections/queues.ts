import type { RunResult } from "../../metrics/result.js";
import { renderTimeChart } from "../charts/time-chart.js";
import { formatCount, formatRate } from "../format.js";
import { htmlTable, mdTable } from "../table.js";
import type { ReportSection } from "./section.js";
import { byRank, topSeries } from "./top-series.js";

/** Rows of the HTML queue table; summary.md and queue-depth.csv have every queue. */
const HTML_ROWS = 40;

/** Queue depth over time, ready and unacked (time-weighted mean per bin), and a per-queue table, deepest first. */
export function queuesSection(r: RunResult): ReportSection {
  const ts = r.timeSeries;
  const base = {
    time: ts.time,
    binWidth: ts.binWidth,
    endTime: r.run.endTime,
    markers: r.markers,
    yFormat: formatCount,
  };
  const qs = r.summary.queues;
  // busiest first: largest depth, then most messages
  const rank = (k: "ready" | "unacked") => (_: readonly number[], q: string) =>
    qs[q] ? [qs[q].depth.max, qs[q][k].max, qs[q].counts.enqueued] : 0;
  const pick = (k: "ready" | "unacked") =>
    topSeries(Object.fromEntries(Object.entries(ts.queues).map(([q, s]) => [q, s[k]])), rank(k), "queues");
  const charts = [
    {
      id: "queue-depth-ready",
      title: "Queue depth: ready messages",
      svg: renderTimeChart({
        ...base,
        id: "queue-depth-ready",
        title: "Queue depth: ready messages",
        yLabel: "messages ready (mean in bin)",
        lines: pick("ready"),
        emptyText: "no queue in this run",
      }),
      caption: "Time-weighted mean per bin; the table gives the exact maxima.",
    },
    {
      id: "queue-depth-unacked",
      title: "Queue depth: unacked messages",
      svg: renderTimeChart({
        ...base,
        id: "queue-depth-unacked",
        title: "Queue depth: unacked messages",
        yLabel: "messages unacked (mean in bin)",
        lines: pick("unacked"),
        emptyText: "no queue in this run",
      }),
    },
  ];
  const headers = [
    "queue",
    "depth max",
    "depth mean",
    "ready max",
    "unacked max",
    "enqueued",
    "delivered",
    "consumed",
    "deliver rate",
    "redelivered",
    "expired",
    "dead-lettered",
    "dropped",
  ];
  const all = byRank(Object.keys(qs), (q) => [qs[q]!.depth.max, qs[q]!.counts.enqueued]);
  const rows = all
    .map((q) => [q, qs[q]!] as const)
    .map(([q, s]) => [
      q,
      s.depth.max,
      formatCount(s.depth.mean),
      s.ready.max,
      s.unacked.max,
      s.counts.enqueued,
      s.counts.delivered,
      s.counts.consumed,
      formatRate(s.throughput.delivered),
      s.counts.redelivered,
      s.counts.expired,
      s.counts.deadLettered,
      s.counts.dropped,
    ]);
  return {
    id: "queues",
    title: "Queues",
    charts,
    html:
      htmlTable(headers, rows.slice(0, HTML_ROWS)) +
      (rows.length > HTML_ROWS
        ? `<p class="note">The ${HTML_ROWS} deepest of ${rows.length} queues; every queue is in summary.md and queue-depth.csv.</p>`
        : ""),
    markdown: mdTable(headers, rows),
  };
}
