import type { RunResult } from "../../metrics/result.js";
import { renderTimeChart } from "../charts/time-chart.js";
import { formatCount, formatRate } from "../format.js";
import { htmlTable, mdTable } from "../table.js";
import type { ReportSection } from "./section.js";
import { displayName, sum, topSeries } from "./top-series.js";

/** Message rates over time: the whole broker, per exchange (publishes), per queue (deliveries, consumption). */
export function ratesSection(r: RunResult): ReportSection {
  const ts = r.timeSeries;
  const base = {
    time: ts.time,
    binWidth: ts.binWidth,
    endTime: r.run.endTime,
    markers: r.markers,
    yFormat: formatCount,
  };
  const perQueue = (pick: "enqueued" | "delivered" | "consumed") =>
    topSeries(Object.fromEntries(Object.entries(ts.queues).map(([q, s]) => [q, s[pick]])), sum, "queues");
  const charts = [
    {
      id: "rates-total",
      title: "Message rates, whole broker",
      svg: renderTimeChart({
        ...base,
        id: "rates-total",
        title: "Message rates, whole broker",
        yLabel: "messages / s",
        lines: [
          { name: "published", values: ts.total.published },
          { name: "confirmed", values: ts.total.confirmed },
          { name: "delivered", values: ts.total.delivered },
          { name: "consumed (acked + auto-acked)", values: ts.total.consumed },
          { name: "returned", values: ts.total.returned },
        ],
      }),
      caption: `Per ${formatCount(ts.binWidth)} s bin.`,
    },
    {
      id: "rates-exchanges",
      title: "Publish rate per exchange",
      svg: renderTimeChart({
        ...base,
        id: "rates-exchanges",
        title: "Publish rate per exchange",
        yLabel: "messages / s",
        lines: topSeries(
          Object.fromEntries(Object.entries(ts.exchanges).map(([e, s]) => [e, s.published])),
          sum,
          "exchanges",
        ),
        emptyText: "no exchange received a publish",
      }),
    },
    {
      id: "rates-queues-delivered",
      title: "Delivery rate per queue",
      svg: renderTimeChart({
        ...base,
        id: "rates-queues-delivered",
        title: "Delivery rate per queue",
        yLabel: "deliveries / s",
        lines: perQueue("delivered"),
        emptyText: "no queue in this run",
      }),
    },
    {
      id: "rates-queues-consumed",
      title: "Ack rate per queue (acked + auto-acked)",
      svg: renderTimeChart({
        ...base,
        id: "rates-queues-consumed",
        title: "Ack rate per queue (acked + auto-acked)",
        yLabel: "messages / s",
        lines: perQueue("consumed"),
        emptyText: "no queue in this run",
      }),
    },
  ];
  const headers = ["exchange", "published", "unroutable", "publish rate"];
  const rows = Object.entries(r.summary.exchanges).map(([e, s]) => [
    displayName(e),
    s.published,
    s.unroutable,
    formatRate(s.rate),
  ]);
  return {
    id: "rates",
    title: "Message rates",
    charts,
    html: htmlTable(headers, rows),
    markdown: mdTable(headers, rows),
  };
}
