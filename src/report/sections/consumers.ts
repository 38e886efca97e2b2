import type { RunResult } from "../../metrics/result.js";
import { renderTimeChart } from "../charts/time-chart.js";
import { formatPercent } from "../format.js";
import { rpcExecutorView } from "../rpc/executors.js";
import { htmlTable, mdTable } from "../table.js";
import type { ReportSection } from "./section.js";
import { MAX_SERIES } from "./top-series.js";

/**
 * Consumer utilisation (busy handlers / capacity) per consumer group over time. An RPC run adds
 * its servers' executor-thread utilisation and backlog per service (and leaves out the consumer
 * chart when no plain consumer reported activity).
 */
export function consumersSection(r: RunResult): ReportSection {
  const base = plainConsumersSection(r);
  const rpc = rpcExecutorView(r);
  if (rpc === null) return base;
  const plain = Object.keys(r.summary.consumers).length > 0;
  return {
    ...base,
    charts: [...(plain ? base.charts : []), ...rpc.charts],
    html: `${plain ? base.html : ""}${rpc.html}`,
    markdown: plain ? `${base.markdown}\n\n${rpc.markdown}` : rpc.markdown,
    files: rpc.files,
  };
}

function plainConsumersSection(r: RunResult): ReportSection & { html: string; markdown: string } {
  const ts = r.timeSeries;
  const groups = Object.entries(r.summary.consumers);
  const shown = [...groups]
    .sort((a, b) => b[1].capacity - a[1].capacity || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, MAX_SERIES)
    .map(([g]) => g)
    .sort();
  const charts = [
    {
      id: "consumer-utilisation",
      title: "Consumer utilisation",
      svg: renderTimeChart({
        id: "consumer-utilisation",
        title: "Consumer utilisation",
        yLabel: "busy handlers / capacity (%)",
        yFormat: (v) => `${Math.round(v * 100)}`,
        yMax: 1,
        time: ts.time,
        binWidth: ts.binWidth,
        endTime: r.run.endTime,
        markers: r.markers,
        lines: shown.map((g) => ({ name: g, values: ts.consumers[g]?.utilisation ?? [] })),
        emptyText: "no consumer reported activity",
      }),
      caption:
        groups.length > MAX_SERIES
          ? `The ${MAX_SERIES} groups with the most capacity of ${groups.length}; all are in the table.`
          : "Time-weighted share of each group's handlers that were busy.",
    },
  ];
  const headers = ["consumer group", "instances", "capacity", "utilisation", "delivered", "consumed"];
  const rows = groups.map(([g, s]) => [
    g,
    s.instances,
    s.capacity,
    formatPercent(s.utilisation),
    s.delivered,
    s.consumed,
  ]);
  return {
    id: "consumers",
    title: "Consumers",
    charts,
    html: htmlTable(headers, rows),
    markdown: mdTable(headers, rows),
  };
}
