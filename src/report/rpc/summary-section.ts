import type { RunResult } from "../../metrics/result.js";
import { renderTimeChart } from "../charts/time-chart.js";
import { esc } from "../escape.js";
import { formatSeconds } from "../format.js";
import type { ReportSection } from "../sections/section.js";
import { htmlTable, mdTable } from "../table.js";
import { rpcOf } from "./model.js";

/** OpenStack RPC: per-method latency and timeouts, per-flow end-to-end latency, requests and timeouts over time. */
export function rpcSummarySection(r: RunResult): ReportSection | null {
  const rpc = rpcOf(r);
  if (rpc === null) return null;
  const t = rpc.timeline;
  const time = t.requests.map((_, i) => i * t.binWidth);
  const perSecond = (v: readonly number[]) => v.map((n) => n / t.binWidth);
  const chart = (
    id: string,
    title: string,
    yLabel: string,
    name: string,
    values: readonly number[],
    caption: string,
  ) => ({
    id,
    title,
    svg: renderTimeChart({
      id,
      title,
      yLabel,
      yFormat: (v) => String(Number(v.toPrecision(3))),
      time,
      binWidth: t.binWidth,
      endTime: r.run.endTime,
      markers: r.markers,
      lines: [{ name, values }],
      emptyText: "no RPC requests",
    }),
    caption,
  });
  const charts = [
    chart(
      "rpc-requests",
      "RPC requests over time",
      "requests / s",
      "requests / s",
      perSecond(t.requests),
      "Requests (calls, casts, fanouts, notifications) by the time the caller made them.",
    ),
    chart(
      "rpc-timeouts",
      "MessagingTimeouts over time",
      "timeouts / s",
      "MessagingTimeouts / s",
      perSecond(t.timeouts),
      "Calls whose caller gave up (rpc_response_timeout or the call monitor), by the time it gave up.",
    ),
  ];
  const fh = ["flow", "started", "completed", "failed", "still open", "median", "p90", "p99", "max"];
  const fr = Object.entries(rpc.flows).map(([name, f]) => [
    name,
    f.started,
    f.completed,
    f.failed,
    f.open,
    ...[f.latency.p50, f.latency.p90, f.latency.p99, f.latency.max].map((v) =>
      f.latency.count ? formatSeconds(v) : "—",
    ),
  ]);
  const mh = [
    "method",
    "kind",
    "requests",
    "ok",
    "timeouts",
    "failed",
    "open",
    "median",
    "p99",
    "max",
    "broker",
    "executor wait",
    "service",
  ];
  const mr = Object.entries(rpc.methods).map(([key, m]) => [
    key,
    m.kind,
    m.requests,
    m.ok,
    m.timeouts,
    m.failed,
    m.open,
    ...[m.latency.p50, m.latency.p99, m.latency.max].map((v) => (m.latency.count ? formatSeconds(v) : "—")),
    formatSeconds(m.queueWait),
    formatSeconds(m.executorWait),
    formatSeconds(m.service),
  ]);
  const p = rpc.processes;
  const notes =
    `${p.count} oslo.messaging processes; replies abandoned after the missing-reply-queue loop: ${p.repliesAbandoned}; ` +
    `late replies (caller had timed out): ${p.lateReplies}; largest executor backlog: ` +
    (Object.entries(p.maxBacklog)
      .map(([s, n]) => `${s} ${n}`)
      .join(", ") || "none");
  return {
    id: "rpc",
    title: "OpenStack RPC",
    intro: `<p>${esc(notes)}.</p>`,
    charts,
    html:
      `<h3>Flows (end to end)</h3>${htmlTable(fh, fr)}` +
      `<h3>Methods</h3><p>Latency: call = until the caller has the answer (reply poll included); cast = until the server finished. ` +
      `Broker = publish to delivery; executor wait = time for a free thread.</p>${htmlTable(mh, mr)}`,
    markdown: `### Flows\n\n${mdTable(fh, fr)}\n\n### Methods\n\n${mdTable(mh, mr)}\n\n${notes}.`,
  };
}
