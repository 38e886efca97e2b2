import type { Nanoseconds } from "../engine/time.js";
import type {
  LatencySummary,
  RpcExecutorLoad,
  RpcFlowResult,
  RpcMethodResult,
  RpcQueueFamily,
  RpcResult,
  RpcRoleTopology,
  SpanJson,
  TraceJson,
} from "../metrics/rpc-result.js";
import { fanoutExchange, serverQueue, topicQueue } from "./naming.js";
import type { RpcProcess } from "./process.js";
import { exemplarBucket, type KeptFlow } from "./recorder.js";
import type { Span } from "./span.js";
import type { RpcSystem } from "./system.js";

export type {
  LatencySummary,
  RpcExecutorLoad,
  RpcFlowResult,
  RpcMethodResult,
  RpcQueueFamily,
  RpcResult,
  RpcRoleTopology,
  SpanJson,
  TraceJson,
};

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

/** Executor load per service (sorted by name), bins of the run's time series up to `end`. */
function executorLoads(system: RpcSystem, end: Nanoseconds): NonNullable<RpcResult["executors"]> {
  const services: Record<string, RpcExecutorLoad> = {};
  for (const name of sortedKeys(system.loads)) {
    const load = system.loads.get(name)!;
    const f = load.finish(end);
    services[name] = {
      processes: load.processes,
      threads: load.threads,
      utilisation: round9(f.meanUtilisation),
      meanBacklog: round9(f.meanBacklog),
      maxBacklog: load.maxWaiting,
      timeline: {
        utilisation: f.utilisation.map(round9),
        backlog: f.backlog.map(round9),
        backlogMax: f.backlogMax,
      },
    };
  }
  return { binWidth: sec(system.recorder.binWidth), services };
}

/** One label for many queues: the single name itself, else the pattern (`compute.<host>`). */
const familyLabel = (names: readonly string[], pattern: string): string =>
  names.length === 1 ? names[0]! : pattern;

function sum(procs: readonly RpcProcess[], f: (p: RpcProcess) => number): number {
  let n = 0;
  for (const p of procs) n += f(p);
  return n;
}

/** The reply queues of the processes that declared one (made a call), as one family. */
function replyFamily(
  procs: readonly RpcProcess[],
  role: string,
  perQueueExchange: boolean,
): RpcQueueFamily[] {
  const callers = procs.filter((p) => p.replyQueuesDeclared.length > 0);
  if (callers.length === 0) return [];
  const queues = callers.flatMap((p) => p.replyQueuesDeclared);
  const label = familyLabel(queues, `reply_<${role} id>`);
  return [
    {
      label,
      kind: "reply",
      // before Train each reply queue had its own direct exchange of the same name
      exchange: perQueueExchange ? label : "",
      key: label,
      queues,
      delivered: sum(callers, (p) => p.deliveredReplies),
    },
  ];
}

function publishedBy(procs: readonly RpcProcess[]): Record<string, number> {
  const m = new Map<string, number>();
  for (const p of procs) for (const c of p.published) m.set(c.exchange, (m.get(c.exchange) ?? 0) + c.n);
  const out: Record<string, number> = {};
  for (const k of sortedKeys(m)) out[k] = m.get(k)!;
  return out;
}

/**
 * Who consumes what and publishes where, by role, with oslo's per-host and per-process queues
 * folded into families (reference openstack-rpc.md §1.1–1.2): the topic queue, `<topic>.<host>`,
 * `<topic>_fanout_<id>` and the role's `reply_<id>` queues.
 */
function rpcTopology(system: RpcSystem): NonNullable<RpcResult["topology"]> {
  const perQueueExchange = system.spec.oslo.replyExchanges;
  const roles: RpcRoleTopology[] = [];
  for (const s of system.spec.services) {
    const procs = system.processesOf(s.name);
    const hosts = [...new Set(procs.map((p) => p.host))];
    const servers = hosts.map((h) => serverQueue(s.name, h));
    const fanouts = procs.flatMap((p) => p.fanoutQueuesDeclared);
    const consumes: RpcQueueFamily[] = [
      {
        label: topicQueue(s.name),
        kind: "topic",
        exchange: s.exchange,
        key: s.name,
        queues: [topicQueue(s.name)],
        delivered: sum(procs, (p) => p.deliveredTopic),
      },
      {
        label: familyLabel(servers, `${s.name}.<host>`),
        kind: "server",
        exchange: s.exchange,
        key: familyLabel(servers, `${s.name}.<host>`),
        queues: servers,
        delivered: sum(procs, (p) => p.deliveredServer),
      },
      {
        label: familyLabel(fanouts, `${s.name}_fanout_<id>`),
        kind: "fanout",
        exchange: fanoutExchange(s.name),
        key: s.name,
        queues: fanouts,
        delivered: sum(procs, (p) => p.deliveredFanout),
      },
      ...replyFamily(procs, s.name, perQueueExchange),
    ];
    roles.push({
      name: s.name,
      processes: procs.length,
      executorThreads: s.executorThreads,
      prefetch: system.spec.oslo.prefetch,
      consumes,
      published: publishedBy(procs),
    });
  }
  const clients = new Map<string, RpcProcess[]>();
  for (const p of system.clientProcesses()) {
    const list = clients.get(p.id) ?? [];
    list.push(p);
    clients.set(p.id, list);
  }
  for (const [name, procs] of clients) {
    roles.push({
      name,
      processes: procs.length,
      executorThreads: 0,
      prefetch: 0,
      consumes: replyFamily(procs, name, perQueueExchange),
      published: publishedBy(procs),
    });
  }
  return { roles };
}

export function buildRpcResult(system: RpcSystem, now: Nanoseconds): RpcResult {
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
    executors: executorLoads(system, now),
    topology: rpcTopology(system),
  };
}
