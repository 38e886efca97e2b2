import type { RunResult } from "../../metrics/result.js";
import { formatSeconds } from "../format.js";
import { rpcOf } from "./model.js";

const clip = (s: string, n: number): string => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

/** Terminal lines for a run with `rpc:` (flows, methods, timeouts); empty without one. */
export function rpcTextLines(r: RunResult): string[] {
  const rpc = rpcOf(r);
  if (rpc === null) return [];
  const lat = (count: number, v: number) => (count > 0 ? formatSeconds(v) : "—").padStart(8);
  const out: string[] = [
    "",
    `${"RPC flow".padEnd(28)} started     done   failed     open  median     p90     p99     max`,
  ];
  for (const [name, f] of Object.entries(rpc.flows)) {
    const l = f.latency;
    out.push(
      `${clip(name, 28).padEnd(28)} ${String(f.started).padStart(7)}  ${String(f.completed).padStart(7)}  ${String(f.failed).padStart(7)}  ${String(f.open).padStart(7)}` +
        `${lat(l.count, l.p50)}${lat(l.count, l.p90)}${lat(l.count, l.p99)}${lat(l.count, l.max)}`,
    );
  }
  out.push("", `${"RPC method".padEnd(40)} kind     requests  timeouts   median     p99`);
  let timeouts = 0;
  for (const [key, m] of Object.entries(rpc.methods)) {
    timeouts += m.timeouts;
    out.push(
      `${clip(key, 40).padEnd(40)} ${m.kind.padEnd(7)} ${String(m.requests).padStart(9)} ${String(m.timeouts).padStart(9)}` +
        `${lat(m.latency.count, m.latency.p50)}${lat(m.latency.count, m.latency.p99)}`,
    );
  }
  out.push(
    `MessagingTimeouts: ${timeouts}; replies abandoned (missing reply queue): ${rpc.processes.repliesAbandoned}; ` +
      `late replies: ${rpc.processes.lateReplies}`,
  );
  return out;
}
