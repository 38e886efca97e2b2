import type { Nanoseconds } from "../engine/time.js";
import type {
  LatencySummary,
  RpcFlowResult,
  RpcMethodResult,
  RpcResult,
  SpanJson,
  TraceJson,
} from "../metrics/rpc-result.js";
import { exemplarBucket, type KeptFlow } from "./recorder.js";
import type { Span } from "./span.js";
import type { RpcSystem } from "./system.js";

export type { LatencySummary, RpcFlowResult, RpcMethodResult, RpcResult, SpanJson, TraceJson };

/** Rounds to 9 significant digits so result.json is stable across platforms' float printing. */
export const round9 = (x: number): number => (x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(9)));
const sec = (ns: Nanoseconds): number => round9(ns / 1e9);
const stamp = (ns: Nanoseconds): number | null => (ns < 0 ? null : sec(ns));

/** Nearest-rank percentile of sorted values. */
function rank(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

export function latencySummary(values: readonly number[]): LatencySummary {
  const s = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of values) sum += v;
  return {
    count: s.length,
    min: sec(s.length ? s[0]! : 0),
    mean: sec(s.length ? sum / s.length : 0),
    p50: sec(rank(s, 0.5)),
    p90: sec(rank(s, 0.9)),
    p95: sec(rank(s, 0.95)),
    p99: sec(rank(s, 0.99)),
    max: sec(s.length ? s[s.length - 1]! : 0),
  };
}

export function spanJson(s: Span): SpanJson {
  return {
    id: s.id,
    parent: s.parent,
    kind: s.kind,
    service: s.service,
    method: s.method,
    exchange: s.exchange,
    routingKey: s.routingKey,
    from: s.from,
    to: s.to,
    outcome: s.outcome,
    requested: sec(s.requested),
    published: stamp(s.published),
    enqueued: stamp(s.enqueued),
    delivered: stamp(s.delivered),
    started: stamp(s.started),
    finished: stamp(s.finished),
    replyDelivered: stamp(s.replyDelivered),
    done: stamp(s.done),
    heartbeats: s.heartbeats,
    replyRetries: s.replyRetries,
  };
}

const sortedKeys = <T>(m: Map<string, T>): string[] => [...m.keys()].sort();

export function buildRpcResult(system: RpcSystem, _now: Nanoseconds): RpcResult {
  const rec = system.recorder;
  const methods: Record<string, RpcMethodResult> = {};
  for (const key of sortedKeys(rec.methods)) {
    const m = rec.methods.get(key)!;
    const d = m.phased || 1;
    methods[key] = {
      kind: m.kind,
      requests: m.requests,
      ok: m.ok,
      timeouts: m.timeouts,
      failed: m.failed,
      open: m.requests - m.closed,
      latency: latencySummary(m.latencies),
      queueWait: sec(m.queueWait / d),
      executorWait: sec(m.executorWait / d),
      service: sec(m.service / d),
      heartbeats: m.heartbeats,
      replyRetries: m.replyRetries,
    };
  }
  const flows: Record<string, RpcFlowResult> = {};
  const traces: TraceJson[] = [];
  for (const name of sortedKeys(rec.flows)) {
    const f = rec.flows.get(name)!;
    flows[name] = {
      started: f.started,
      completed: f.completed,
      failed: f.failed,
      open: rec.openFlowCount(name),
      latency: latencySummary(f.latencies),
    };
    const tags = new Map<number, { flow: KeptFlow; tags: string[] }>();
    const tag = (flow: KeptFlow | null | undefined, t: string): void => {
      if (flow === null || flow === undefined) return;
      const e = tags.get(flow.trace) ?? { flow, tags: [] };
      e.tags.push(t);
      tags.set(flow.trace, e);
    };
    for (const k of f.first) tag(k, "first");
    if (f.latencies.length > 0) {
      const s = Float64Array.from(f.latencies).sort();
      tag(f.exemplars.get(exemplarBucket(rank(s, 0.5))), "median");
    }
    tag(f.slowest, "slowest");
    const kept = [...tags.values()].sort((a, b) => a.flow.k - b.flow.k);
    for (const { flow, tags: t } of kept) {
      traces.push({
        flow: `${flow.name}#${flow.k}`,
        tags: t,
        start: sec(flow.start),
        end: sec(flow.end),
        latency: sec(flow.end - flow.start),
        failed: flow.failed,
        spans: flow.spans.map(spanJson),
      });
    }
  }
  const maxBacklog: Record<string, number> = {};
  let repliesAbandoned = 0;
  let lateReplies = 0;
  for (const p of system.processes) {
    repliesAbandoned += p.repliesAbandoned;
    lateReplies += p.lateReplies;
    if (p.service === null) continue;
    maxBacklog[p.service.name] = Math.max(maxBacklog[p.service.name] ?? 0, p.executor.maxBacklog);
  }
  const sortedBacklog: Record<string, number> = {};
  for (const k of Object.keys(maxBacklog).sort()) sortedBacklog[k] = maxBacklog[k]!;
  const bins = Math.max(rec.requestBins.length, rec.timeoutBins.length);
  const fill = (a: number[]): number[] => Array.from({ length: bins }, (_, i) => a[i] ?? 0);
  return {
    methods,
    flows,
    timeline: {
      binWidth: sec(rec.binWidth),
      requests: fill(rec.requestBins),
      timeouts: fill(rec.timeoutBins),
    },
    processes: { count: system.processes.length, maxBacklog: sortedBacklog, repliesAbandoned, lateReplies },
    traces,
  };
}
