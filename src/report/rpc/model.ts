import type { JsonObject, RunResult } from "../../metrics/result.js";

/**
 * The `rpc` section of result.json as the report reads it (written by src/rpc/result.ts; the
 * report layer reads the RunResult only, so the shape is restated here). Seconds throughout.
 */
export type RpcLatency = {
  readonly count: number;
  readonly min: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
};

export type RpcSpanView = {
  readonly id: number;
  readonly parent: number;
  readonly kind: string;
  readonly service: string;
  readonly method: string;
  readonly routingKey: string;
  readonly from: string;
  readonly to: string;
  readonly outcome: string;
  readonly requested: number;
  readonly published: number | null;
  readonly delivered: number | null;
  readonly started: number | null;
  readonly finished: number | null;
  readonly replyDelivered: number | null;
  readonly done: number | null;
};

export type RpcTraceView = {
  readonly flow: string;
  readonly tags: readonly string[];
  readonly start: number;
  readonly end: number;
  readonly latency: number;
  readonly failed: boolean;
  readonly spans: readonly RpcSpanView[];
};

export type RpcView = {
  readonly methods: {
    readonly [key: string]: {
      readonly kind: string;
      readonly requests: number;
      readonly ok: number;
      readonly timeouts: number;
      readonly failed: number;
      readonly open: number;
      readonly latency: RpcLatency;
      readonly queueWait: number;
      readonly executorWait: number;
      readonly service: number;
      readonly replyRetries: number;
    };
  };
  readonly flows: {
    readonly [name: string]: {
      readonly started: number;
      readonly completed: number;
      readonly failed: number;
      readonly open: number;
      readonly latency: RpcLatency;
    };
  };
  readonly timeline: {
    readonly binWidth: number;
    readonly requests: readonly number[];
    readonly timeouts: readonly number[];
  };
  readonly processes: {
    readonly count: number;
    readonly maxBacklog: { readonly [service: string]: number };
    readonly repliesAbandoned: number;
    readonly lateReplies: number;
  };
  readonly traces: readonly RpcTraceView[];
  readonly narrative?: {
    readonly flow: string;
    readonly lines: readonly { readonly time: number; readonly text: string }[];
  };
};

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
