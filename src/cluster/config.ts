import type { Nanoseconds } from "../engine/time.js";
import { type CostModel, DEFAULT_COSTS } from "./costs.js";
import { DEFAULT_DISK, type DiskConfig } from "./disk.js";
import { DEFAULT_MEMORY, type MemoryConfig } from "./memory.js";
import { DEFAULT_LINK, type LinkConfig, type LinkOverride } from "./network.js";

/**
 * RabbitMQ's cluster_partition_handling (versioned_docs/version-3.13/partitions.md):
 * - ignore: nothing pauses; both sides go on accepting work and the split persists after the
 *   network heals (an operator must pick a side; the other side's changes are lost).
 * - pause_minority: a node that cannot see more than half of the cluster's nodes pauses (closes
 *   client connections) and resumes when the partition heals.
 * - pause_if_all_down: a node that can reach none of `pauseIfAllDown.nodes` pauses; on heal it
 *   resumes, and with recover=autoheal the autoheal rule then applies.
 * - autoheal: nothing pauses; when the partition heals every node outside the winning side (most
 *   client connections, then most nodes, then the first node name) restarts.
 */
export type PartitionHandling = "ignore" | "pause_minority" | "pause_if_all_down" | "autoheal";

export interface NodeSpec {
  readonly name: string;
  /** Schedulers (cores) the node's Erlang VM runs on. */
  readonly cores: number;
  readonly memory?: Partial<MemoryConfig>;
  readonly disk?: Partial<DiskConfig>;
}

export interface LinkSpec {
  /** Two endpoint names: node names, or client connection names. Applies in both directions. */
  readonly between: readonly [string, string];
  readonly override: LinkOverride;
}

export interface ClusterConfig {
  readonly nodes: readonly NodeSpec[];
  readonly costs: CostModel;
  readonly disk: DiskConfig;
  readonly memory: MemoryConfig;
  /** Every client connection's link to its node. */
  readonly clientLink: LinkConfig;
  /** Every node-to-node link (Erlang distribution). */
  readonly nodeLink: LinkConfig;
  readonly links: readonly LinkSpec[];
  readonly partitionHandling: PartitionHandling;
  readonly pauseIfAllDown?: { readonly nodes: readonly string[]; readonly recover: "ignore" | "autoheal" };
  /**
   * How long before nodes notice a partition, ns: net_ticktime (default 60 s; detection happens
   * between 0.75 and 1.25 times it, docs/nettick.md). A partition healed sooner goes unnoticed.
   */
  readonly netTicktime: Nanoseconds;
  /** Time a node takes to restart after autoheal or to resume after a pause, ns. */
  readonly restartTime: Nanoseconds;
  /**
   * How long clients take to notice that their node crashed, ns: 0 when the OS resets the TCP
   * connections (the Erlang VM died, the host is up); the heartbeat timeout when the host or its
   * network died (two missed heartbeats at timeout / 2 each, docs/heartbeats.md). A graceful stop
   * or a pause closes connections at once.
   */
  readonly crashDetection: Nanoseconds;
  /**
   * Time for a quorum queue's surviving replicas to elect a new leader after losing theirs, ns
   * (assumed: Raft elects after missed leader heartbeats; RabbitMQ documents "a few seconds").
   */
  readonly quorumElectionTimeout: Nanoseconds;
  /** Mailbox backlog above which a process withholds credit (RabbitMQ credit_flow: 400, 200). */
  readonly creditLimit: number;
}

export const DEFAULT_CORES = 4;

export const DEFAULT_CLUSTER: Omit<ClusterConfig, "nodes"> = {
  costs: DEFAULT_COSTS,
  disk: DEFAULT_DISK,
  memory: DEFAULT_MEMORY,
  clientLink: DEFAULT_LINK,
  nodeLink: DEFAULT_LINK,
  links: [],
  partitionHandling: "ignore",
  netTicktime: 60_000_000_000,
  restartTime: 5_000_000_000,
  crashDetection: 0,
  quorumElectionTimeout: 2_000_000_000,
  creditLimit: 400,
};

/** A full config from node names (or specs) and overrides of any default. */
export function clusterConfig(
  nodes: readonly (string | NodeSpec)[],
  overrides: Partial<Omit<ClusterConfig, "nodes">> = {},
): ClusterConfig {
  return {
    ...DEFAULT_CLUSTER,
    ...overrides,
    nodes: nodes.map((n) => (typeof n === "string" ? { name: n, cores: DEFAULT_CORES } : n)),
  };
}
