import * as z from "zod";
import {
  type ClusterConfig,
  type CostModel,
  DEFAULT_CLUSTER,
  DEFAULT_COSTS,
  DEFAULT_LINK,
  defaultWatermark,
  type LinkConfig,
  type LinkOverride,
  type NodeSpec,
  ZERO_COSTS,
} from "../../cluster/index.js";
import type { Distribution } from "../../engine/distributions.js";
import { formatDuration, parseSize, UnitError } from "../../engine/units.js";
import { didYouMean } from "../suggest.js";
import { count, distribution, duration, probability, size } from "./common.js";
import { type RawDoc, records, type SectionCheck } from "./section.js";

/**
 * The `cluster:` and `network:` sections: broker nodes with cores, memory and disk, the CPU cost
 * of each broker operation, partition handling, and the network links between clients and nodes
 * and between nodes. Without a `cluster:` section the broker is free (every operation completes
 * at once) and never fails: the right model for teaching semantics, the wrong one for capacity.
 */

/** Node names when `nodes` is a count: rabbit-1, rabbit-2, ... */
export const nodeNameAt = (i: number): string => `rabbit-${i + 1}`;

/** "200MB/s" -> bytes per second. */
export const bandwidth = (description: string) =>
  z
    .string({ error: `expected a bandwidth such as "125MB/s" (bytes per second)` })
    .transform((text, ctx) => {
      const slash = text.lastIndexOf("/");
      if (slash < 0 || text.slice(slash).trim() !== "/s") {
        ctx.issues.push({
          code: "custom",
          message: `expected a bandwidth such as "125MB/s" (a size per second), got "${text}"`,
          input: text,
          params: { offset: slash < 0 ? text.length : slash },
        });
        return z.NEVER;
      }
      try {
        return parseSize(text.slice(0, slash));
      } catch (e) {
        if (e instanceof UnitError) {
          ctx.issues.push({ code: "custom", message: e.message, input: text, params: { offset: e.offset } });
          return z.NEVER;
        }
        throw e;
      }
    })
    .meta({ description, examples: ["125MB/s", "1.25GB/s"] });

const nodeObject = z.strictObject({
  name: z.string().min(1, "a node name cannot be empty").meta({ description: "Node name, e.g. rabbit-1." }),
  cores: count("Cores (Erlang schedulers) of this node.", 1).optional(),
  ram: size("RAM of this node.").optional(),
});

const costsSchema = z
  .strictObject({
    route: duration("CPU per routed message (channel process).").optional(),
    perBinding: duration("Extra CPU per binding visited while routing.").optional(),
    enqueue: duration("CPU for a queue to accept one message.").optional(),
    deliver: duration("CPU for a queue to deliver one message.").optional(),
    ack: duration("CPU for a queue to settle one ack / nack / reject.").optional(),
    confirm: duration("CPU for a channel to send one publisher confirm.").optional(),
    frame: duration("CPU per connection / channel method frame (declare, bind, consume ...).").optional(),
    replicate: duration("CPU for a quorum follower or mirror to apply one message.").optional(),
    perKiB: duration("CPU per KiB of body copied by route / enqueue / deliver / replicate.").optional(),
  })
  .meta({ description: "Per-operation CPU costs; unset ones keep their defaults (see README, cluster)." });

const diskSchema = z
  .strictObject({
    fsyncInterval: duration("Longest a persistent write waits for the next fsync (default 25ms).").optional(),
    fsyncLatency: duration("Fixed time of one fsync (default 1ms).").optional(),
    bandwidth: bandwidth("Sequential write bandwidth (default 200MB/s).").optional(),
  })
  .meta({ description: "Every node's disk: persistent messages to durable queues are written in batches." });

export const clusterSchema = z
  .strictObject({
    nodes: z
      .union([
        count("Number of nodes, named rabbit-1 .. rabbit-N.", 1),
        z.array(z.union([z.string().min(1), nodeObject])).min(1),
      ])
      .default(1)
      .meta({ description: "A node count (named rabbit-1 ..), or a list of names or {name, cores, ram}." }),
    cores: count("Cores per node (default 4).", 1).default(4),
    ram: size("RAM per node (default 4GiB).").prefault("4GiB"),
    highWatermark: probability(
      "vm_memory_high_watermark, a fraction of RAM (default 0.4 up to 3.13, 0.6 from 4.0).",
    ).optional(),
    baselineMemory: size("Memory a node uses before holding any message (default 100MiB).").prefault(
      "100MiB",
    ),
    memoryCheckInterval: duration(
      "How often a node compares its memory use with the watermark (memory_monitor_interval, default 2500ms).",
    ).prefault("2500ms"),
    costs: z
      .union([z.literal("off"), costsSchema])
      .default({})
      .meta({
        description: 'CPU cost of each operation, or "off" for a free broker (network and disk still cost).',
      }),
    disk: diskSchema.default({}),
    creditLimit: count(
      "Backlog at which a queue process withholds credit from publishers (default 400).",
      1,
    ).default(400),
    placement: z.record(z.string(), z.string()).default({}).meta({
      description:
        "Which node each client connects to and each queue runs on: { producer / consumer / queue name: node }; default the first node.",
    }),
    partitionHandling: z
      .enum(["ignore", "pause_minority", "pause_if_all_down", "autoheal"])
      .default("ignore")
      .meta({ description: "cluster_partition_handling (RabbitMQ up to 4.2)." }),
    pauseIfAllDown: z
      .strictObject({
        nodes: z.array(z.string()).min(1),
        recover: z.enum(["ignore", "autoheal"]).default("ignore"),
      })
      .optional()
      .meta({ description: "For pause_if_all_down: the nodes to watch and the recovery action." }),
    crashDetection: duration(
      "How long clients take to notice their node crashed: 0s when the OS resets the connections, else about the heartbeat timeout (default 0s).",
    ).prefault("0s"),
    quorumElectionTimeout: duration(
      "Time for a quorum queue's replicas to elect a new leader (default 2s).",
    ).prefault("2s"),
    netTicktime: duration("How long nodes take to notice a partition (net_ticktime, default 60s).").prefault(
      "60s",
    ),
    restartTime: duration(
      "Time a node takes to restart (autoheal) or resume (after a pause); default 5s.",
    ).prefault("5s"),
  })
  .meta({
    description: "Broker nodes and their costs; without this section the broker is free and never fails.",
  });

const linkSchema = z
  .strictObject({
    latency: distribution(
      "duration",
      "One-way delay per frame, e.g. lognormal(median=200us, p99=2ms).",
    ).optional(),
    bandwidth: bandwidth("Bytes per second the link carries.").optional(),
    loss: probability("Chance a frame is lost and retransmitted after 200ms (TCP).").optional(),
  })
  .meta({ description: "A network link's properties; unset ones keep their defaults." });

export const networkSchema = z
  .strictObject({
    clients: linkSchema
      .optional()
      .meta({ description: "Every client connection to its node (default 50us, 10Gbit/s)." }),
    nodes: linkSchema.optional().meta({ description: "Every node-to-node link (default 50us, 10Gbit/s)." }),
    links: z
      .array(
        linkSchema.extend({
          between: z
            .tuple([z.string().min(1), z.string().min(1)])
            .meta({ description: "Two endpoints: node names or client (producer / consumer) names." }),
        }),
      )
      .default([])
      .meta({ description: "Per-link overrides, both directions." }),
  })
  .meta({ description: "Network latency, bandwidth and loss." });

export const clusterShape = {
  cluster: clusterSchema.optional(),
  network: networkSchema.optional(),
};

export type ClusterSpec = z.output<typeof clusterSchema>;
export type NetworkSpec = z.output<typeof networkSchema>;
type LinkSpecOut = z.output<typeof linkSchema>;

/** Node names of a cluster section (raw or validated). */
export function clusterNodeNames(nodes: unknown): string[] {
  if (typeof nodes === "number" && Number.isInteger(nodes) && nodes >= 1) {
    return Array.from({ length: nodes }, (_, i) => nodeNameAt(i));
  }
  if (Array.isArray(nodes)) {
    return nodes
      .map((n) =>
        typeof n === "string"
          ? n
          : n !== null && typeof n === "object"
            ? (n as { name?: unknown }).name
            : undefined,
      )
      .filter((n): n is string => typeof n === "string");
  }
  return [nodeNameAt(0)];
}

/** Node names a raw document declares (rabbit-1 when there is no cluster section). */
export function declaredNodes(doc: RawDoc): string[] {
  const c = doc.cluster;
  if (c === null || typeof c !== "object") return [nodeNameAt(0)];
  return clusterNodeNames((c as { nodes?: unknown }).nodes ?? 1);
}

function linkOverride(l: LinkSpecOut | undefined): LinkOverride {
  const o: { latency?: Distribution; bandwidth?: number; loss?: number } = {};
  if (l?.latency !== undefined) o.latency = l.latency;
  if (l?.bandwidth !== undefined) o.bandwidth = l.bandwidth;
  if (l?.loss !== undefined) o.loss = l.loss;
  return o;
}

/** The runtime configuration for a validated cluster + network section and broker version. */
export function toClusterConfig(
  cluster: ClusterSpec,
  network: NetworkSpec | undefined,
  version: string,
): ClusterConfig {
  const nodes: NodeSpec[] = (
    typeof cluster.nodes === "number" ? clusterNodeNames(cluster.nodes) : cluster.nodes
  ).map((n) => {
    if (typeof n === "string") return { name: n, cores: cluster.cores };
    const spec: NodeSpec = { name: n.name, cores: n.cores ?? cluster.cores };
    return n.ram === undefined ? spec : { ...spec, memory: { ram: n.ram } };
  });
  let costs: CostModel = ZERO_COSTS;
  if (cluster.costs !== "off") {
    const c = cluster.costs;
    costs = {
      route: c.route ?? DEFAULT_COSTS.route,
      perBinding: c.perBinding ?? DEFAULT_COSTS.perBinding,
      enqueue: c.enqueue ?? DEFAULT_COSTS.enqueue,
      deliver: c.deliver ?? DEFAULT_COSTS.deliver,
      ack: c.ack ?? DEFAULT_COSTS.ack,
      confirm: c.confirm ?? DEFAULT_COSTS.confirm,
      frame: c.frame ?? DEFAULT_COSTS.frame,
      replicate: c.replicate ?? DEFAULT_COSTS.replicate,
      perByte: c.perKiB === undefined ? DEFAULT_COSTS.perByte : c.perKiB / 1024,
    };
  }
  const d = DEFAULT_CLUSTER.disk;
  const clientLink: LinkConfig = { ...DEFAULT_LINK, ...linkOverride(network?.clients) };
  const nodeLink: LinkConfig = { ...DEFAULT_LINK, ...linkOverride(network?.nodes) };
  const config: ClusterConfig = {
    ...DEFAULT_CLUSTER,
    nodes,
    costs,
    disk: {
      fsyncInterval: cluster.disk.fsyncInterval ?? d.fsyncInterval,
      fsyncLatency: cluster.disk.fsyncLatency ?? d.fsyncLatency,
      bandwidth: cluster.disk.bandwidth ?? d.bandwidth,
    },
    memory: {
      ram: cluster.ram,
      highWatermark: cluster.highWatermark ?? defaultWatermark(version),
      baseline: cluster.baselineMemory,
      checkInterval: cluster.memoryCheckInterval,
    },
    clientLink,
    nodeLink,
    links: (network?.links ?? []).map((l) => ({ between: l.between, override: linkOverride(l) })),
    partitionHandling: cluster.partitionHandling,
    netTicktime: cluster.netTicktime,
    restartTime: cluster.restartTime,
    crashDetection: cluster.crashDetection,
    quorumElectionTimeout: cluster.quorumElectionTimeout,
    creditLimit: cluster.creditLimit,
  };
  return cluster.pauseIfAllDown === undefined
    ? config
    : { ...config, pauseIfAllDown: cluster.pauseIfAllDown };
}

/** Client names a raw document declares: producers and consumers (and their numbered instances). */
export function declaredClients(doc: RawDoc): Set<string> {
  const names = new Set<string>();
  for (const section of ["producers", "consumers"]) {
    for (const { item } of records(doc[section])) {
      if (typeof item.name !== "string") continue;
      names.add(item.name);
      const n = typeof item.count === "number" ? item.count : 1;
      for (let i = 0; i < n && i < 10_000; i++) names.add(`${item.name}-${i}`);
    }
  }
  return names;
}

export const clusterChecks: readonly SectionCheck[] = [
  (doc, ctx) => {
    const c = doc.cluster;
    const nodes = declaredNodes(doc);
    const seen = new Set<string>();
    if (c !== null && typeof c === "object" && Array.isArray((c as { nodes?: unknown }).nodes)) {
      (c as { nodes: unknown[] }).nodes.forEach((n, i) => {
        const name = typeof n === "string" ? n : (n as { name?: unknown } | null)?.name;
        if (typeof name !== "string") return;
        if (seen.has(name)) ctx.problem(["cluster", "nodes", i], `node "${name}" is listed twice`);
        seen.add(name);
      });
    }
    const known = new Set(nodes);
    if (c !== null && typeof c === "object") {
      const cc = c as { partitionHandling?: unknown; pauseIfAllDown?: { nodes?: unknown } };
      const listed = cc.pauseIfAllDown?.nodes;
      if (Array.isArray(listed)) {
        listed.forEach((n, i) => {
          if (typeof n === "string" && !known.has(n)) {
            ctx.problem(
              ["cluster", "pauseIfAllDown", "nodes", i],
              `node "${n}" is not in the cluster${didYouMean(n, known)}`,
            );
          }
        });
      }
      if (cc.partitionHandling === "pause_if_all_down" && cc.pauseIfAllDown === undefined) {
        ctx.problem(
          ["cluster", "partitionHandling"],
          "pause_if_all_down needs pauseIfAllDown: { nodes: [...] }",
        );
      }
    }
    const placement =
      c !== null && typeof c === "object" ? (c as { placement?: unknown }).placement : undefined;
    if (placement !== null && typeof placement === "object" && !Array.isArray(placement)) {
      const clients = declaredClients(doc);
      const queues = new Set(
        records(doc.queues).flatMap(({ item }) => (typeof item.name === "string" ? [item.name] : [])),
      );
      for (const [client, node] of Object.entries(placement as Record<string, unknown>)) {
        if (!clients.has(client) && !queues.has(client)) {
          ctx.problem(
            ["cluster", "placement"],
            `no producer, consumer or queue is named "${client}"${didYouMean(client, [...clients, ...queues])}`,
            { key: client },
          );
        }
        if (typeof node === "string" && !known.has(node)) {
          ctx.problem(
            ["cluster", "placement", client],
            `node "${node}" is not in the cluster${didYouMean(node, known)}`,
          );
        }
      }
    }
    const net = doc.network;
    if (net !== null && typeof net === "object") {
      const clients = declaredClients(doc);
      for (const { index, item } of records((net as { links?: unknown }).links)) {
        const between = item.between;
        if (!Array.isArray(between)) continue;
        between.forEach((name, j) => {
          if (typeof name === "string" && !known.has(name) && !clients.has(name)) {
            ctx.problem(
              ["network", "links", index, "between", j],
              `"${name}" is neither a node nor a client${didYouMean(name, [...known, ...clients])}`,
            );
          }
        });
      }
    }
  },
];

/** A one-line description of the cost model, for summaries. */
export function describeCosts(c: CostModel): string {
  const f = formatDuration;
  return `route ${f(c.route)} + ${f(c.perBinding)}/binding, enqueue ${f(c.enqueue)}, deliver ${f(c.deliver)}, ack ${f(c.ack)}, confirm ${f(c.confirm)}, frame ${f(c.frame)}, replicate ${f(c.replicate)}, ${f(Math.round(c.perByte * 1024))}/KiB`;
}
