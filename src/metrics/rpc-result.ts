/**
 * The `rpc` section of result.json: the contract between the RPC layer that writes it
 * (src/rpc/result.ts) and the report that reads it (src/report/rpc). Types only.
 */
/**
 * Plain JSON (type aliases, not interfaces, so it is assignable
 * to the RunResult's JsonObject). Durations and times in SECONDS (time 0 = run start); absent
 * stamps are null.
 */
export type LatencySummary = {
  readonly count: number;
  readonly min: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
};

export type RpcMethodResult = {
  readonly kind: string;
  readonly requests: number;
  readonly ok: number;
  readonly timeouts: number;
  readonly failed: number;
  /** Requests not answered (call) or not finished (cast) when the run ended. */
  readonly open: number;
  readonly latency: LatencySummary;
  /** Means over requests that reached a server: broker queue wait, executor backlog wait, service. */
  readonly queueWait: number;
  readonly executorWait: number;
  readonly service: number;
  readonly heartbeats: number;
  readonly replyRetries: number;
};

export type RpcFlowResult = {
  readonly started: number;
  readonly completed: number;
  /** Completed with a failed or timed-out request somewhere in the trace. */
  readonly failed: number;
  readonly open: number;
  readonly latency: LatencySummary;
};

export type SpanJson = {
  readonly id: number;
  readonly parent: number;
  readonly kind: string;
  readonly service: string;
  readonly method: string;
  readonly exchange: string;
  readonly routingKey: string;
  readonly from: string;
  readonly to: string;
  readonly outcome: string;
  readonly requested: number;
  readonly published: number | null;
  readonly enqueued: number | null;
  readonly delivered: number | null;
  readonly started: number | null;
  readonly finished: number | null;
  readonly replyDelivered: number | null;
  readonly done: number | null;
  readonly heartbeats: number;
  readonly replyRetries: number;
};

export type TraceJson = {
  /** `<workload>#<k>`, k = arrival number from 1. */
  readonly flow: string;
  /** Why it was kept: "first", "median", "slowest". */
  readonly tags: readonly string[];
  readonly start: number;
  readonly end: number;
  readonly latency: number;
  readonly failed: boolean;
  readonly spans: readonly SpanJson[];
};

export type RpcResult = {
  readonly methods: { readonly [key: string]: RpcMethodResult };
  readonly flows: { readonly [name: string]: RpcFlowResult };
  readonly timeline: {
    readonly binWidth: number;
    readonly requests: readonly number[];
    readonly timeouts: readonly number[];
  };
  readonly processes: {
    readonly count: number;
    /** Largest executor backlog (requests waiting for a thread) per service. */
    readonly maxBacklog: { readonly [service: string]: number };
    /** Replies given up after the missing-reply-queue retry loop, or dropped as obsolete. */
    readonly repliesAbandoned: number;
    /** Replies that arrived after their caller had timed out. */
    readonly lateReplies: number;
  };
  readonly traces: readonly TraceJson[];
  /** The narrated trace of one flow, attached by the scenario run for the report. */
  readonly narrative?: {
    readonly flow: string;
    readonly lines: readonly { readonly time: number; readonly text: string }[];
  };
};
