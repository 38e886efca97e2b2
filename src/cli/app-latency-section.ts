import type { RunResult } from "../metrics/result.js";
import type { ReportSection } from "../report/sections/section.js";
import { type Cell, htmlTable, mdTable } from "../report/table.js";
import { shortSeconds } from "./extras.js";

interface Stats {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}
interface Requests {
  readonly sent: number;
  readonly replies: number;
  readonly timeouts: number;
  readonly roundTrip: Omit<Stats, "count" | "p95">;
}

/**
 * The report section for the scenario layer's client-side results (result.extensions):
 * application latency (publish to handler start, prefetch buffer included) per consumer and
 * producer group, and request round trips. Passed to renderReport as an extra section by `run`
 * and `report`, so both write the same files. Null when the result has neither.
 */
export function applicationLatencySection(r: RunResult): ReportSection | null {
  const ext = r.extensions as Record<string, unknown> | undefined;
  const cl = ext?.clientLatency as
    | { byConsumer: Record<string, Stats>; byProducer: Record<string, Stats> }
    | undefined;
  const req = ext?.requests as Record<string, Requests> | undefined;
  if (!cl && !req) return null;
  const headers = ["group", "count", "mean", "median", "p95", "p99", "max"];
  const rows: Cell[][] = [];
  if (cl) {
    const row = (kind: string, name: string, s: Stats): Cell[] => [
      `${kind} ${name}`,
      s.count,
      ...[s.mean, s.p50, s.p95, s.p99, s.max].map(shortSeconds),
    ];
    for (const [n, s] of Object.entries(cl.byConsumer)) rows.push(row("consumer", n, s));
    for (const [n, s] of Object.entries(cl.byProducer)) rows.push(row("producer", n, s));
  }
  const reqHeaders = ["requester", "sent", "replies", "timeouts", "round trip mean", "median", "p99", "max"];
  const reqRows: Cell[][] = Object.entries(req ?? {}).map(([n, g]) => [
    n,
    g.sent,
    g.replies,
    g.timeouts,
    ...[g.roundTrip.mean, g.roundTrip.p50, g.roundTrip.p99, g.roundTrip.max].map(shortSeconds),
  ]);
  const intro =
    "<p>Latency as the application sees it: from publish to the moment a consumer's handler starts on the message, " +
    "including the time a delivery waits in the consumer's prefetch buffer (the broker's publish → delivery latency " +
    "above stops when the message leaves the queue).</p>";
  const html = [
    rows.length > 0 ? htmlTable(headers, rows) : "",
    reqRows.length > 0 ? htmlTable(reqHeaders, reqRows) : "",
  ].join("");
  const markdown = [
    rows.length > 0 ? mdTable(headers, rows) : "",
    reqRows.length > 0 ? mdTable(reqHeaders, reqRows) : "",
  ]
    .filter((t) => t !== "")
    .join("\n\n");
  return { id: "application-latency", title: "Application latency", intro, charts: [], html, markdown };
}
