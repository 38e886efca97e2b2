import type { Fate, LossCause } from "../amqp/fate.js";

/**
 * RunResult: everything one run produced, as plain JSON (what result.json holds). Reports are
 * pure functions of it, so a report can be re-rendered without re-running the simulation.
 *
 * Determinism: for the same scenario + seed + amqpsim version the JSON text is byte-identical.
 * There is no wall-clock field; keyed records (queues, exchanges, consumers) have their keys in
 * sorted order; every float is rounded by `roundNumber` (9 significant digits) when the
 * collector finishes.
 *
 * Units (written in `units` too): durations and times in SECONDS (float, time 0 = run start),
 * rates PER SECOND, sizes in BYTES, utilisation as a fraction in [0, 1].
 *
 * Extensibility: later sections (`rpc`, `slo`, ...) are optional fields; readers must ignore
 * fields they do not know. `version` is bumped only when a field changes meaning or is removed.
 */
export const RESULT_FORMAT = "amqpsim-result";
export const RESULT_VERSION = 1;

export interface RunResult {
  readonly format: typeof RESULT_FORMAT;
  readonly version: typeof RESULT_VERSION;
  readonly units: ResultUnits;
  /** amqpsim's package version that produced the result. */
  readonly generator: { readonly name: "amqpsim"; readonly version: string };
  readonly scenario: ScenarioInfo;
  /** How the run ended. */
  readonly run: RunInfo;
  /** Numeric leaves addressable by dotted paths (`latency.p99`, `queues.orders.depth.max`). */
  readonly summary: Summary;
  readonly timeSeries: TimeSeries;
  readonly histograms: Histograms;
  readonly fates: FateAccount;
  /** Fault and event markers (broker crash, partition, publisher blocked ...), by time. */
  readonly markers: readonly Marker[];
  readonly topology: Topology;
  /** oslo.messaging RPC results (issue 6); shape owned by src/rpc, must stay plain JSON. */
  readonly rpc?: JsonObject;
  /** SLO check results (issue 7); shape owned by src/metrics/slo.ts, must stay plain JSON. */
  readonly slo?: JsonObject;
  /** Further optional sections keyed by name; plain JSON only. */
  readonly extensions?: { readonly [section: string]: JsonValue };
}

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | JsonObject;
export interface JsonObject {
  readonly [key: string]: JsonValue;
}

export interface ResultUnits {
  readonly time: "s";
  readonly duration: "s";
  readonly rate: "1/s";
  readonly size: "B";
  readonly utilisation: "fraction";
}

export const RESULT_UNITS: ResultUnits = {
  time: "s",
  duration: "s",
  rate: "1/s",
  size: "B",
  utilisation: "fraction",
};

export interface ScenarioInfo {
  readonly name: string;
  readonly description: string;
  readonly seed: number;
  /** RabbitMQ version whose behaviour was modelled, e.g. "3.13". */
  readonly brokerVersion: string;
  /** Configured run length in seconds (null when the run stops on a condition instead). */
  readonly duration: number | null;
  /** The `--set path=value` overrides applied to the file, in order; absent when none were. */
  readonly overrides?: readonly string[];
}

export interface RunInfo {
  /** Simulated time when the run ended, seconds. All rates divide by this. */
  readonly endTime: number;
  /** Events the engine executed. */
  readonly events: number;
  /** Why the run stopped, e.g. "until" (the scenario's duration), "drained", "max-events". */
  readonly stopReason: string;
}

// ---------------------------------------------------------------------------------------------
// summary: numeric leaves only, so that SLOs and sweeps can address them by dotted path.

export interface Summary {
  /** Message counts over the whole run. */
  readonly counts: SummaryCounts;
  /** counts / run.endTime, per second. */
  readonly throughput: SummaryThroughput;
  /** End-to-end latency, publish (client hands the message to its library) to delivery, s. */
  readonly latency: LatencySummary;
  /** Publish to publisher-confirm (basic.ack from the broker), s. */
  readonly confirmLatency: LatencySummary;
  /** Enqueue to delivery (time a copy waited in its queue), s. */
  readonly queueWait: LatencySummary;
  readonly queues: { readonly [queue: string]: QueueSummary };
  readonly exchanges: { readonly [exchange: string]: ExchangeSummary };
  /** Per consumer group (scenario consumer name / RPC server), from ConsumerActivity signals. */
  readonly consumers: { readonly [group: string]: ConsumerSummary };
}

export interface SummaryCounts {
  /** basic.publish accepted by the broker (one per message, before routing). */
  readonly published: number;
  /** Message bytes published. */
  readonly publishedBytes: number;
  /** Copies enqueued (one per queue a message was routed to, dead-lettered copies included). */
  readonly enqueued: number;
  readonly confirmed: number;
  /** Publisher confirms that were basic.nack. */
  readonly nacked: number;
  readonly returned: number;
  readonly unroutable: number;
  /** Deliveries to consumers (basic.deliver + basic.get-ok), redeliveries included. */
  readonly delivered: number;
  readonly redelivered: number;
  /** Copies consumed for good: acked + auto-acked. */
  readonly consumed: number;
  readonly acked: number;
  /** Consumer basic.nack + basic.reject settlements (with or without requeue). */
  readonly rejected: number;
  readonly expired: number;
  readonly deadLettered: number;
  /** Copies dropped by overflow, reject without DLX or delivery limit. */
  readonly dropped: number;
  readonly lost: number;
  readonly channelErrors: number;
}

/** Per second over the run. */
export interface SummaryThroughput {
  readonly published: number;
  readonly publishedBytes: number;
  /**
   * Copies accepted by queues (a message routed to n queues counts n): the load offered to the
   * consumers, in the same unit as `delivered` and `consumed`.
   */
  readonly enqueued: number;
  readonly confirmed: number;
  readonly returned: number;
  readonly delivered: number;
  readonly consumed: number;
  readonly acked: number;
}

/**
 * Percentiles of a latency distribution in seconds, from a log-linear histogram with a relative
 * error below 1 % (src/metrics/histogram.ts). With no samples every statistic is 0 and count 0.
 */
export interface LatencySummary {
  readonly count: number;
  readonly min: number;
  readonly mean: number;
  readonly p50: number;
  readonly p75: number;
  readonly p95: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

export interface QueueSummary {
  /** Ready + unacked messages: max over the run, time-weighted mean, at the end. */
  readonly depth: DepthSummary;
  readonly ready: DepthSummary;
  readonly unacked: DepthSummary;
  readonly counts: {
    readonly enqueued: number;
    readonly delivered: number;
    readonly redelivered: number;
    /** Acked + auto-acked. */
    readonly consumed: number;
    readonly acked: number;
    readonly rejected: number;
    readonly expired: number;
    readonly deadLettered: number;
    readonly dropped: number;
  };
  /** Per second over the run. */
  readonly throughput: { readonly enqueued: number; readonly delivered: number; readonly consumed: number };
  /** Publish-to-delivery latency of deliveries from this queue, s (percentiles within 1.6 %). */
  readonly latency: LatencySummary;
  /** Enqueue-to-delivery wait in this queue, s. */
  readonly queueWait: LatencySummary;
}

export interface DepthSummary {
  readonly max: number;
  /** Time-weighted mean over [0, run.endTime]. */
  readonly mean: number;
  readonly final: number;
}

export interface ExchangeSummary {
  /** Messages published to this exchange by clients (not via exchange-to-exchange bindings). */
  readonly published: number;
  /** Of those, routed to no queue. */
  readonly unroutable: number;
  /** published per second. */
  readonly rate: number;
}

export interface ConsumerSummary {
  /** Instances (connections / processes) that reported activity. */
  readonly instances: number;
  /** Total capacity: sum over instances of concurrent handlers (1 for a plain consumer). */
  readonly capacity: number;
  /** Time-weighted busy handlers / capacity over the run. */
  readonly utilisation: number;
  readonly delivered: number;
  /** Acked + auto-acked. */
  readonly consumed: number;
}

// ---------------------------------------------------------------------------------------------
// time series: fixed-width bins from time 0; bin i covers [i * binWidth, (i + 1) * binWidth).

export interface TimeSeries {
  /** Bin width in seconds. */
  readonly binWidth: number;
  /** Start time of each bin, seconds. Every series below has the same length. */
  readonly time: readonly number[];
  /** Whole-run rates per bin, per second. */
  readonly total: {
    readonly published: readonly number[];
    readonly confirmed: readonly number[];
    readonly returned: readonly number[];
    readonly delivered: readonly number[];
    /** Acked + auto-acked. */
    readonly consumed: readonly number[];
  };
  readonly exchanges: { readonly [exchange: string]: ExchangeSeries };
  readonly queues: { readonly [queue: string]: QueueSeries };
  /** Publish-to-delivery latency percentiles of deliveries in each bin, seconds; null if none. */
  readonly latency: {
    readonly count: readonly number[];
    readonly p50: readonly (number | null)[];
    readonly p95: readonly (number | null)[];
    readonly p99: readonly (number | null)[];
  };
  readonly consumers: { readonly [group: string]: { readonly utilisation: readonly number[] } };
}

export interface ExchangeSeries {
  /** Publishes per second. */
  readonly published: readonly number[];
  /** Unroutable publishes per second. */
  readonly unroutable: readonly number[];
}

export interface QueueSeries {
  /** Per second. */
  readonly enqueued: readonly number[];
  readonly delivered: readonly number[];
  /** Acked + auto-acked. */
  readonly consumed: readonly number[];
  /** Time-weighted mean ready / unacked messages in the bin. */
  readonly ready: readonly number[];
  readonly unacked: readonly number[];
  /** Max ready + unacked in the bin. */
  readonly depthMax: readonly number[];
}

// ---------------------------------------------------------------------------------------------
// histograms

export interface Histograms {
  readonly latency: HistogramData;
  readonly confirmLatency: HistogramData;
  readonly queueWait: HistogramData;
}

/**
 * A distribution in seconds as log-spaced buckets: BUCKETS_PER_DECADE buckets per power of ten,
 * bucket k covering [10^(k/n), 10^((k+1)/n)) seconds. Only non-empty buckets are listed, in
 * increasing order. Zero values (possible on a cost-free runtime) get their own bucket [0, 1e-9).
 * Bucket counts are exact up to the 1/128 width of the underlying log-linear histogram: a value
 * within 0.8 % of a bucket boundary may be counted in its neighbour.
 */
export interface HistogramData {
  readonly unit: "s";
  readonly bucketsPerDecade: number;
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly buckets: readonly HistogramBucket[];
}

export interface HistogramBucket {
  /** Inclusive lower bound, seconds. */
  readonly lower: number;
  /** Exclusive upper bound, seconds. */
  readonly upper: number;
  readonly count: number;
}

// ---------------------------------------------------------------------------------------------
// fates (DESIGN.md "Message fates")

export type FateCounts = { readonly [F in Fate]: number };

export interface FateAccount {
  /** Every copy's fate; sums to `copies`. */
  readonly total: FateCounts;
  /** Per queue (copies that entered a queue). */
  readonly queues: { readonly [queue: string]: FateCounts };
  /** Copies with no queue (unroutable-dropped, returned). */
  readonly unqueued: FateCounts;
  readonly lostByCause: { readonly [C in LossCause]: number };
  /** Lost after the broker had confirmed them to the publisher (the worst kind of loss). */
  readonly confirmedLost: number;
  /** Copies delivered to consumers more than once (each such copy counted once). */
  readonly duplicates: number;
  /** Deliveries with redelivered=true. */
  readonly redelivered: number;
  /** Copies: one per (message, queue it was routed to), plus one per unroutable message. */
  readonly copies: number;
  /** Messages published. */
  readonly published: number;
  /**
   * Conservation check: every copy that was started (enqueued, or unroutable) has exactly one
   * fate. False means the model lost track of a copy: a bug, reported by the run.
   */
  readonly conserved: boolean;
}

// ---------------------------------------------------------------------------------------------
// markers and topology

export interface Marker {
  /** Seconds. */
  readonly time: number;
  /** e.g. "crash", "restart", "partition", "heal", "blocked", "slow-link". */
  readonly kind: string;
  readonly label: string;
  /** For conditions that last: when they end, seconds. */
  readonly until?: number;
}

/**
 * The topology the scenario declared (filled by the scenario builder), with message counts the
 * collector adds (`messages`). Names are as in signals ("vhost/name" only with several vhosts;
 * the default exchange is ""; the collector renames a builder's "(default)" to "").
 */
export interface Topology {
  readonly exchanges: readonly TopologyExchange[];
  readonly queues: readonly TopologyQueue[];
  readonly bindings: readonly TopologyBinding[];
  readonly producers: readonly TopologyProducer[];
  readonly consumers: readonly TopologyConsumer[];
}

export interface TopologyExchange {
  readonly name: string;
  /** direct, fanout, topic, headers (or x-... plugin types). */
  readonly type: string;
  readonly durable?: boolean;
  readonly internal?: boolean;
  readonly alternateExchange?: string;
  /** Messages published to it by clients. Added by the collector. */
  readonly messages?: number;
}

export interface TopologyQueue {
  readonly name: string;
  /** classic, quorum, mirrored, stream ... */
  readonly type: string;
  readonly durable?: boolean;
  readonly node?: string;
  /** x-arguments and policy values, as written (e.g. { "x-message-ttl": 60000 }). */
  readonly arguments?: { readonly [key: string]: string | number | boolean };
  /** Copies enqueued. Added by the collector. */
  readonly messages?: number;
}

export interface TopologyBinding {
  readonly source: string;
  readonly destination: string;
  readonly destinationKind: "queue" | "exchange";
  readonly key: string;
  /** Headers-exchange arguments etc., as written. */
  readonly arguments?: { readonly [key: string]: string | number | boolean };
  /**
   * Not declared by the scenario but seen matching while routing (the default exchange's
   * implicit binding per queue, bindings clients declared at run time). Added by the collector.
   */
  readonly implicit?: boolean;
  /** Times this binding matched a routed message. Added by the collector. */
  readonly messages?: number;
}

export interface TopologyProducer {
  /** Scenario producer name (the connection names are "<name>-<i>"). */
  readonly name: string;
  readonly count: number;
  readonly exchange: string;
  /** Rate as written in the scenario, e.g. "200/s" or "poisson(50/s)". */
  readonly rate?: string;
  /** Messages published. Added by the collector when publishers are named "<name>-<i>" or "<name>". */
  readonly messages?: number;
}

export interface TopologyConsumer {
  /** Scenario consumer name = the group in ConsumerActivity signals. */
  readonly name: string;
  readonly queue: string;
  readonly count: number;
  readonly prefetch?: number;
  readonly autoAck?: boolean;
  /** Deliveries to this group. Added by the collector (matched as for producers). */
  readonly messages?: number;
}

/** An empty topology, for runs built without the scenario layer (tests, synthetic signals). */
export const EMPTY_TOPOLOGY: Topology = {
  exchanges: [],
  queues: [],
  bindings: [],
  producers: [],
  consumers: [],
};

/**
 * Round a float to 9 significant digits so that result.json stays short and identical across
 * platforms whose last-ulp arithmetic might differ. Integers (counts, ns) pass through.
 */
export function roundNumber(x: number): number {
  if (Number.isInteger(x) || !Number.isFinite(x)) return x;
  return Number(x.toPrecision(9));
}
