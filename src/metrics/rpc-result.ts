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

/**
 * Executor-thread load of one service, all its processes together (issue 6 utilisation view).
 * Per-bin arrays follow the run's time series bins (`timeSeries.time`).
 */
export type RpcExecutorLoad = {
  readonly processes: number;
  /** Executor threads of all the service's processes (`executorThreads` × processes). */
  readonly threads: number;
  /** Whole run: time-weighted busy threads / threads. */
  readonly utilisation: number;
  /** Whole run: time-weighted mean of requests waiting for a thread, all processes together. */
  readonly meanBacklog: number;
  /** Largest number of requests waiting for a thread, all processes together. */
  readonly maxBacklog: number;
  readonly timeline: {
    /** Per bin: time-weighted busy threads / threads (0..1). */
    readonly utilisation: readonly number[];
    /** Per bin: time-weighted mean of requests waiting for a thread. */
    readonly backlog: readonly number[];
    /** Per bin: the largest backlog. */
    readonly backlogMax: readonly number[];
  };
};

/**
 * Queues of one kind of one RPC role, for the report's topology (one box for `compute.<host>`
 * instead of a box per host).
 */
export type RpcQueueFamily = {
  /** "compute", "compute.<host>", "compute_fanout_<id>", "reply_<id>". */
  readonly label: string;
  readonly kind: "topic" | "server" | "fanout" | "reply";
  /** Exchange the queues are bound to ("" = the default exchange; per-queue reply exchanges: each queue's own name). */
  readonly exchange: string;
  /** Binding key, as a label when it is each queue's own name. */
  readonly key: string;
  /** The queue names (as in `summary.queues`). */
  readonly queues: readonly string[];
  /** Deliveries to the role's consumers from these queues (requests, or replies and heartbeats). */
  readonly delivered: number;
};

/** One RPC role of the topology: a service's server processes, or a client-only process (nova-api). */
export type RpcRoleTopology = {
  readonly name: string;
  readonly processes: number;
  /** Executor threads per process (0 for a client-only process). */
  readonly executorThreads: number;
  /** rabbit_qos_prefetch_count of the LISTEN channels (0 = unlimited). */
  readonly prefetch: number;
  readonly consumes: readonly RpcQueueFamily[];
  /** Messages published per exchange ("" = default), retries and heartbeats included. */
  readonly published: { readonly [exchange: string]: number };
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
  /** Executor-thread load per service (absent in results written before it existed). */
  readonly executors?: {
    /** Seconds; the run's time-series bin width. */
    readonly binWidth: number;
    readonly services: { readonly [service: string]: RpcExecutorLoad };
  };
  /** Who consumes and publishes what, by role (absent in results written before it existed). */
  readonly topology?: { readonly roles: readonly RpcRoleTopology[] };
  /** The narrated trace of one flow, attached by the scenario run for the report. */
  readonly narrative?: {
    readonly flow: string;
    readonly lines: readonly { readonly time: number; readonly text: string }[];
  };
};
