import type { Nanoseconds } from "../engine/time.js";
import type { Span, SpanKind, SpanOutcome } from "./span.js";

/** Per target method ("conductor.object_action"): counts, latencies (ns) and phase sums (ns). */
export interface MethodStats {
  readonly key: string;
  readonly kind: SpanKind;
  requests: number;
  closed: number;
  ok: number;
  timeouts: number;
  failed: number;
  /** End-to-end latency of closed spans (call: until the caller has the answer; cast: until the server finished). */
  latencies: number[];
  queueWait: number;
  executorWait: number;
  service: number;
  /** Spans with the phase stamps present (denominator of the phase means). */
  phased: number;
  heartbeats: number;
  replyRetries: number;
}

/** A flow kept in full (its spans) for traces, sequence diagrams and waterfalls. */
export interface KeptFlow {
  readonly name: string;
  readonly k: number;
  readonly trace: number;
  readonly start: Nanoseconds;
  end: Nanoseconds;
  failed: boolean;
  readonly spans: Span[];
}

interface OpenFlow extends KeptFlow {
  open: number;
}

export interface FlowStats {
  readonly name: string;
  started: number;
  completed: number;
  failed: number;
  latencies: number[];
  /** First flows of this workload, in arrival order. */
  readonly first: KeptFlow[];
  /** One exemplar per latency bucket (10 per decade): the median flow is picked from these at the end. */
  readonly exemplars: Map<number, KeptFlow>;
  slowest: KeptFlow | null;
}

/** Latency bucket for exemplars: 10 log-spaced buckets per decade of seconds. */
export const exemplarBucket = (latency: Nanoseconds): number =>
  Math.floor(Math.log10(Math.max(latency, 1)) * 10);

/**
 * Collects spans as they close. Holds the spans of open flows only; closed spans of other traces
 * (periodic heartbeats, ...) are folded into per-method statistics and dropped, so memory stays
 * bounded over long runs (the kept flows are: the first N of each workload, one exemplar per
 * latency bucket, and the slowest).
 */
export class RpcRecorder {
  private spanSeq = 0;
  private traceSeq = 0;
  readonly methods = new Map<string, MethodStats>();
  private readonly byService = new Map<string, Map<string, MethodStats>>();
  readonly flows = new Map<string, FlowStats>();
  private readonly openFlows = new Map<number, OpenFlow>();
  /** Timeouts and requests per time bin, for the report's timeline. */
  readonly timeoutBins: number[] = [];
  readonly requestBins: number[] = [];

  /** Called when a flow starts and when it completes (the trace command watches one flow). */
  readonly flowStartHooks: ((name: string, k: number, trace: number) => void)[] = [];
  readonly flowDoneHooks: ((flow: KeptFlow) => void)[] = [];

  constructor(
    readonly binWidth: Nanoseconds,
    readonly keepFirstFlows: number,
  ) {}

  nextSpanId(): number {
    return ++this.spanSeq;
  }

  /** A trace that is not a flow (a periodic task's request, ...). */
  newTrace(): number {
    return ++this.traceSeq;
  }

  startFlow(name: string, now: Nanoseconds): number {
    const trace = ++this.traceSeq;
    let stats = this.flows.get(name);
    if (stats === undefined) {
      stats = {
        name,
        started: 0,
        completed: 0,
        failed: 0,
        latencies: [],
        first: [],
        exemplars: new Map(),
        slowest: null,
      };
      this.flows.set(name, stats);
    }
    stats.started++;
    this.openFlows.set(trace, {
      name,
      k: stats.started,
      trace,
      start: now,
      end: -1,
      failed: false,
      spans: [],
      open: 0,
    });
    for (const h of this.flowStartHooks) h(name, stats.started, trace);
    return trace;
  }

  open(span: Span): void {
    const m = this.method(span);
    m.requests++;
    const bin = Math.floor(span.requested / this.binWidth);
    this.requestBins[bin] = (this.requestBins[bin] ?? 0) + 1;
    const flow = this.openFlows.get(span.trace);
    if (flow !== undefined) {
      flow.open++;
      flow.spans.push(span);
    }
  }

  close(span: Span, outcome: SpanOutcome, now: Nanoseconds): void {
    if (span.outcome !== "open") return;
    span.outcome = outcome;
    span.done = now;
    const m = this.method(span);
    m.closed++;
    if (outcome === "ok") m.ok++;
    else if (outcome === "timeout") {
      m.timeouts++;
      const bin = Math.floor(now / this.binWidth);
      this.timeoutBins[bin] = (this.timeoutBins[bin] ?? 0) + 1;
    } else m.failed++;
    m.latencies.push(now - span.requested);
    if (span.published >= 0 && span.delivered >= 0 && span.started >= 0 && span.finished >= 0) {
      m.phased++;
      // Without the enqueue stamp the broker phase runs from the publish (network in + routing + queue).
      m.queueWait += span.delivered - (span.enqueued >= 0 ? span.enqueued : span.published);
      m.executorWait += span.started - span.delivered;
      m.service += span.finished - span.started;
    }
    m.heartbeats += span.heartbeats;
    m.replyRetries += span.replyRetries;
    const flow = this.openFlows.get(span.trace);
    if (flow === undefined) return;
    if (outcome !== "ok") flow.failed = true;
    if (--flow.open === 0) this.completeFlow(flow, now);
  }

  /** The spans so far of a flow that has not completed (empty if unknown). */
  openFlowSpans(trace: number): readonly Span[] {
    return this.openFlows.get(trace)?.spans ?? [];
  }

  /** Spans of flows still open at the end of the run (for the report: stuck boots). */
  openFlowCount(name: string): number {
    let n = 0;
    for (const f of this.openFlows.values()) if (f.name === name) n++;
    return n;
  }

  private completeFlow(flow: OpenFlow, now: Nanoseconds): void {
    this.openFlows.delete(flow.trace);
    flow.end = now;
    const stats = this.flows.get(flow.name)!;
    stats.completed++;
    if (flow.failed) stats.failed++;
    const latency = now - flow.start;
    stats.latencies.push(latency);
    const kept: KeptFlow = {
      name: flow.name,
      k: flow.k,
      trace: flow.trace,
      start: flow.start,
      end: now,
      failed: flow.failed,
      spans: flow.spans,
    };
    if (stats.first.length < this.keepFirstFlows) stats.first.push(kept);
    const b = exemplarBucket(latency);
    if (!stats.exemplars.has(b)) stats.exemplars.set(b, kept);
    if (stats.slowest === null || latency > stats.slowest.end - stats.slowest.start) stats.slowest = kept;
    for (const h of this.flowDoneHooks) h(kept);
  }

  private method(span: Span): MethodStats {
    let byMethod = this.byService.get(span.service);
    if (byMethod === undefined) {
      byMethod = new Map();
      this.byService.set(span.service, byMethod);
    }
    let m = byMethod.get(span.method);
    if (m === undefined) {
      const key = `${span.service}.${span.method}`;
      m = {
        key,
        kind: span.kind,
        requests: 0,
        closed: 0,
        ok: 0,
        timeouts: 0,
        failed: 0,
        latencies: [],
        queueWait: 0,
        executorWait: 0,
        service: 0,
        phased: 0,
        heartbeats: 0,
        replyRetries: 0,
      };
      byMethod.set(span.method, m);
      this.methods.set(key, m);
    }
    return m;
  }
}
