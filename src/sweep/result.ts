import type { Seeding } from "./seeds.js";
import type { Estimate } from "./stats.js";
import type { QuantityKind } from "./vary.js";

/**
 * What sweep.json holds. Plain JSON with a fixed key order and no wall-clock facts, so the bytes
 * depend only on the scenario text, the sweep spec and the amqpsim version: identical for any
 * --workers, and for shards + merge. Units as in result.json: durations in seconds, rates per
 * second, sizes in bytes.
 */
export const SWEEP_FORMAT = "amqpsim-sweep/1";
export const PARTIAL_FORMAT = "amqpsim-sweep-partial/1";

/** Everything that determines a sweep's runs. Shards must agree on it to be merged. */
export interface SweepSpec {
  readonly scenario: {
    readonly name: string;
    /** sha256 of the scenario file's text (hex). */
    readonly sha256: string;
  };
  /** Base seed: --seed, else the scenario's seed. */
  readonly seed: number;
  readonly seeding: Seeding;
  readonly replications: number;
  /** Confidence level of the intervals (0.95). */
  readonly confidence: number;
  /** Extra --set overrides applied at every point, before the varied ones. */
  readonly sets: readonly string[];
  readonly vary: readonly {
    readonly path: string;
    readonly kind: QuantityKind;
    readonly values: readonly string[];
    readonly numeric: readonly number[] | null;
  }[];
  /** The SLO checked per point (from --slo or the scenario's slo: section), or null. */
  readonly slo: string | null;
  /** Summary paths used for the knee and saturation analysis. */
  readonly analysis: {
    readonly latency: string;
    readonly offered: string;
    readonly throughput: string;
  };
}

/** One run's outcome as the shards write it: the summary only. */
export interface RunRecord {
  readonly point: number;
  readonly replication: number;
  readonly seed: number;
  readonly summary: unknown;
}

export interface PartialResult {
  readonly format: typeof PARTIAL_FORMAT;
  readonly spec: SweepSpec;
  readonly shard: { readonly index: number; readonly count: number };
  readonly runs: readonly RunRecord[];
}

export interface PointSlo {
  /** The SLO evaluated on each metric's mean. */
  readonly pass: boolean;
  /**
   * The SLO evaluated on each clause's pessimistic confidence bound (upper bound for < / <=,
   * lower for > / >=): true means met with the sweep's confidence.
   */
  readonly confident: boolean;
  /** Fraction of replications whose own summary met the SLO. */
  readonly passFraction: number;
}

export interface SweepPoint {
  readonly index: number;
  /** Value text per varied path. */
  readonly values: Readonly<Record<string, string>>;
  readonly seeds: readonly number[];
  /** Per numeric summary path: mean and confidence interval over the replications. */
  readonly metrics: Readonly<Record<string, Estimate>>;
  readonly slo: PointSlo | null;
}

export interface SweepResult {
  readonly format: typeof SWEEP_FORMAT;
  readonly units: { readonly durations: "s"; readonly rates: "per second"; readonly sizes: "bytes" };
  readonly spec: SweepSpec;
  /** The SLO's clauses with thresholds in result.json units (seconds, per second, bytes). */
  readonly sloClauses: readonly {
    readonly clause: string;
    readonly path: string;
    readonly op: string;
    readonly threshold: number;
  }[];
  readonly points: readonly SweepPoint[];
  /**
   * Along the first numeric --vary dimension (other dimensions at their first value): the knee of
   * the latency curve and the saturation point, where mean throughput falls below 95 % of the
   * offered load. Null when not found or not applicable.
   */
  readonly analysis: {
    readonly dimension: string | null;
    readonly knee: { readonly point: number; readonly x: number; readonly value: string } | null;
    readonly saturation: { readonly point: number; readonly x: number; readonly value: string } | null;
    /** Largest value of the dimension whose point met the SLO on the means, or null. */
    readonly lastPassing: { readonly point: number; readonly x: number; readonly value: string } | null;
  };
}
