import type { RunResult } from "../../metrics/result.js";
import { renderTimeChart } from "../charts/time-chart.js";
import { cell } from "../csv.js";
import { formatPercent } from "../format.js";
import type { ReportChart } from "../sections/section.js";
import { htmlTable, mdTable } from "../table.js";
import { rpcOf } from "./model.js";

/** A fraction as a percentage with 3 significant digits (RPC executors are often busy < 1 %). */
const percent = (v: number): string => String(Number((v * 100).toPrecision(3)));

/**
 * The utilisation view of an RPC run: per service, busy executor threads / threads (all its
 * processes together, time-weighted per bin) and the backlog of requests waiting for a thread.
 * oslo's executor queue is unbounded and the driver acks before dispatch, so a saturated service
 * shows here, not as queue depth on the broker. Null when the result has no `rpc.executors`.
 */
export function rpcExecutorView(r: RunResult): {
  readonly charts: ReportChart[];
  readonly html: string;
  readonly markdown: string;
  readonly files: { readonly [path: string]: string };
} | null {
  const ex = rpcOf(r)?.executors;
  if (ex === undefined) return null;
  const services = Object.entries(ex.services);
  if (services.length === 0) return null;
  const time = r.timeSeries.time;
  const common = {
    time,
    binWidth: ex.binWidth,
    endTime: r.run.endTime,
    markers: r.markers,
  };
  const charts: ReportChart[] = [
    {
      id: "rpc-executor-utilisation",
      title: "RPC executor-thread utilisation",
      svg: renderTimeChart({
        ...common,
        id: "rpc-executor-utilisation",
        title: "RPC executor-thread utilisation",
        yLabel: "busy threads / threads (%)",
        yFormat: percent,
        lines: services.map(([name, s]) => ({ name, values: s.timeline.utilisation })),
        emptyText: "no RPC server ran",
      }),
      caption:
        "Per service, all its processes together: time-weighted busy executor threads / executor threads. A thread stays busy while its request waits in a nested call.",
    },
    {
      id: "rpc-executor-backlog",
      title: "RPC requests waiting for an executor thread",
      svg: renderTimeChart({
        ...common,
        id: "rpc-executor-backlog",
        title: "RPC requests waiting for an executor thread",
        yLabel: "requests waiting (mean per bin)",
        yFormat: (v) => String(Number(v.toPrecision(3))),
        lines: services.map(([name, s]) => ({ name, values: s.timeline.backlog })),
        emptyText: "no RPC server ran",
      }),
      caption:
        "Requests delivered and acked but waiting for a free thread (the executor's unbounded queue), time-weighted mean per bin, per service.",
    },
  ];
  const headers = ["RPC service", "processes", "threads", "utilisation", "mean backlog", "max backlog"];
  const rows = services.map(([name, s]) => [
    name,
    s.processes,
    s.threads,
    formatPercent(s.utilisation),
    Number(s.meanBacklog.toPrecision(3)),
    s.maxBacklog,
  ]);
  // rpc-executors.csv: one row per bin, as the other time-series CSVs
  const csv = [
    [
      "time_s",
      ...services.flatMap(([name]) => [`${name} utilisation`, `${name} backlog_mean`, `${name} backlog_max`]),
    ]
      .map(cell)
      .join(","),
  ];
  time.forEach((t, i) => {
    const row: (number | string)[] = [t];
    for (const [, s] of services) {
      const l = s.timeline;
      row.push(l.utilisation[i] ?? "", l.backlog[i] ?? "", l.backlogMax[i] ?? "");
    }
    csv.push(row.map(cell).join(","));
  });
  return {
    charts,
    html: htmlTable(headers, rows),
    markdown: mdTable(headers, rows),
    files: { "rpc-executors.csv": `${csv.join("\n")}\n` },
  };
}
