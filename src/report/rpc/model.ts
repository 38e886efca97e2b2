import type { JsonObject, RunResult } from "../../metrics/result.js";
import type { LatencySummary, RpcResult, SpanJson, TraceJson } from "../../metrics/rpc-result.js";

/** The `rpc` section of result.json (src/metrics/rpc-result.ts), under the names the report uses. */
export type RpcLatency = LatencySummary;
export type RpcSpanView = SpanJson;
export type RpcTraceView = TraceJson;
export type RpcView = RpcResult;

/** The result's rpc section, or null when the run had none. */
export function rpcOf(r: RunResult): RpcView | null {
  const x: JsonObject | undefined = r.rpc;
  if (x === undefined || typeof x.methods !== "object" || x.methods === null) return null;
  return x as unknown as RpcView;
}

/** The caller's role of each span: its parent's service, or the root caller's process name. */
export function callerOf(spans: readonly RpcSpanView[]): Map<number, string> {
  const byId = new Map(spans.map((s) => [s.id, s]));
  const out = new Map<number, string>();
  for (const s of spans) out.set(s.id, byId.get(s.parent)?.service ?? s.from);
  return out;
}
