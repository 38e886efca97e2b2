import type { LatencySummary, RunResult } from "../metrics/result.js";
import { formatCount, formatRate, formatSeconds } from "./format.js";
import { runLine } from "./key-numbers.js";
import { rpcTextLines } from "./rpc/text.js";

/**
 * The terminal summary, in the shape RabbitMQ PerfTest users know: rates first (published,
 * confirmed, returned, consumed), then latency min / median / 75th / 95th / 99th / 99.9th / max,
 * then per-queue depth and message fates. Plain text, no colour codes (the CLI may add them).
 */
export function renderTextSummary(r: RunResult): string {
  const s = r.summary;
  const c = s.counts;
  const t = s.throughput;
  const lines: string[] = [term(runLine(r)), ""];
  const rate = (label: string, perSec: number, count: number) =>
    `${label.padEnd(10)} ${formatRate(perSec).padStart(10)}  (${formatCount(count)} msg)`;
  lines.push(
    rate("published", t.published, c.published),
    rate("confirmed", t.confirmed, c.confirmed),
    rate("returned", t.returned, c.returned),
    rate("consumed", t.consumed, c.consumed),
    "",
    latencyLine("latency (publish → delivery)", s.latency),
  );
  if (s.confirmLatency.count > 0) lines.push(latencyLine("confirm latency", s.confirmLatency));
  // deepest queues first, then the busiest
  const queues = Object.entries(s.queues)
    .map(([q, qs]): [string, typeof qs] => [term(q), qs])
    .sort(
      (a, b) =>
        b[1].depth.max - a[1].depth.max ||
        b[1].counts.enqueued - a[1].counts.enqueued ||
        (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0),
    );
  if (queues.length > 0) {
    const w = Math.min(40, Math.max(5, ...queues.map(([q]) => q.length)));
    lines.push(
      "",
      `${"queue".padEnd(w)}  ${"depth max".padStart(9)}  ${"depth mean".padStart(10)}  ${"enqueued".padStart(9)}  ${"consumed".padStart(9)}`,
    );
    const shown = queues.slice(0, 20);
    for (const [q, qs] of shown) {
      lines.push(
        `${clipEnd(q, w).padEnd(w)}  ${formatCount(qs.depth.max).padStart(9)}  ${formatCount(qs.depth.mean).padStart(10)}  ${formatCount(qs.counts.enqueued).padStart(9)}  ${formatCount(qs.counts.consumed).padStart(9)}`,
      );
    }
    if (queues.length > shown.length)
      lines.push(`... and ${queues.length - shown.length} more queues (see summary.md)`);
  }
  const f = r.fates;
  const fates = Object.entries(f.total)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${formatCount(n)}`);
  lines.push(
    "",
    `fates: ${fates.length ? fates.join(", ") : "none"}` +
      (f.conserved ? " (every copy accounted for)" : " (DO NOT BALANCE: model bug)"),
  );
  const lost = Object.entries(f.lostByCause).filter(([, n]) => n > 0);
  if (lost.length > 0 || f.confirmedLost > 0) {
    lines.push(
      `lost by cause: ${lost.map(([k, n]) => `${k} ${n}`).join(", ") || "none"}; confirmed then lost: ${f.confirmedLost}`,
    );
  }
  if (f.duplicates > 0 || f.redelivered > 0)
    lines.push(`redelivered: ${f.redelivered}, duplicated copies: ${f.duplicates}`);
  lines.push(...rpcTextLines(r));
  if (r.markers.length > 0) {
    lines.push("", "events:");
    for (const m of r.markers.slice(0, 10)) {
      lines.push(
        `  ${formatSeconds(m.time).padStart(8)}  ${term(m.kind)}: ${term(m.label)}${m.until !== undefined ? ` (until ${formatSeconds(m.until)})` : ""}`,
      );
    }
    if (r.markers.length > 10) lines.push(`  ... and ${r.markers.length - 10} more`);
  }
  return `${lines.join("\n")}\n`;
}

function latencyLine(label: string, l: LatencySummary): string {
  if (l.count === 0) return `${label}: no samples`;
  const vs = [l.min, l.p50, l.p75, l.p95, l.p99, l.p999, l.max].map(formatSeconds);
  return `${label} min/median/75th/95th/99th/99.9th/max: ${vs.join(" / ")}  (${formatCount(l.count)} samples)`;
}

/**
 * Scenario text for a terminal: control characters (ESC sequences could recolour or move the
 * cursor) are shown as \xNN.
 */
function term(s: string): string {
  let out = "";
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    out += c < 0x20 || (c >= 0x7f && c <= 0x9f) ? `\\x${c.toString(16).padStart(2, "0")}` : ch;
  }
  return out;
}

function clipEnd(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}
