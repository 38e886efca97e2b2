import type { RunResult } from "../../metrics/result.js";
import { renderTimeChart } from "../charts/time-chart.js";
import { formatCount, formatRate } from "../format.js";
import { htmlTable, mdTable } from "../table.js";
import type { ReportSection } from "./section.js";
import { maxOf, topSeries } from "./top-series.js";

/** Queue depth over time, ready and unacked (time-weighted mean per bin), and a per-queue table. */
export function queuesSection(r: RunResult): ReportSection {
  const ts = r.timeSeries;
  const base = {
    time: ts.time,
    binWidth: ts.binWidth,
    endTime: r.run.endTime,
    markers: r.markers,
    yFormat: formatCount,
  };
  const pick = (k: "ready" | "unacked") =>
    topSeries(Object.fromEntries(Object.entries(ts.queues).map(([q, s]) => [q, s[k]])), maxOf, "queues");
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
  const rows = Object.entries(r.summary.queues).map(([q, s]) => [
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
    html: htmlTable(headers, rows),
    markdown: mdTable(headers, rows),
  };
}
