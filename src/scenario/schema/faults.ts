import * as z from "zod";
import type { LinkOverride } from "../../cluster/network.js";
import type { Distribution } from "../../engine/distributions.js";
import { parseDuration } from "../../engine/units.js";
import {
  CrashNode,
  DegradeLink,
  type Fault,
  KillConnection,
  PartitionNodes,
  ResourceAlarm,
  StallConsumer,
  StartNode,
  StopNode,
} from "../../faults/index.js";
import { didYouMean } from "../suggest.js";
import { bandwidth, declaredClients, declaredNodes } from "./cluster.js";
import { distribution, duration, probability } from "./common.js";
import { records, type SectionCheck, tryParse } from "./section.js";

/** The action keys: a fault has exactly one. */
const ACTIONS = [
  "crash",
  "stop",
  "start",
  "partition",
  "link",
  "killConnection",
  "stallConsumer",
  "alarm",
] as const;
type ActionKey = (typeof ACTIONS)[number];

/** Keys allowed only with a given action. */
const ONLY_WITH: Readonly<Record<string, ActionKey>> = {
  restartAfter: "crash",
  startAfter: "stop",
  healAfter: "partition",
  latency: "link",
  bandwidth: "link",
  loss: "link",
  node: "alarm",
};

const nodeName = z.string().min(1, "a node name cannot be empty");

export const faultSchema = z
  .strictObject({
    at: duration("When the fault happens, from the start of the run."),
    crash: nodeName.optional().meta({ description: "Crash this node (uncontrolled: unsynced writes lost)." }),
    restartAfter: duration("With crash: start the node again this long after.").optional(),
    stop: nodeName.optional().meta({ description: "Stop this node gracefully (pending writes flushed)." }),
    startAfter: duration("With stop: start the node again this long after.").optional(),
    start: nodeName.optional().meta({ description: "Start this (stopped or crashed) node." }),
    partition: z
      .array(z.array(nodeName).min(1, "a partition group needs at least one node"))
      .min(2, "a partition needs at least two groups, e.g. [[rabbit-1], [rabbit-2, rabbit-3]]")
      .optional()
      .meta({ description: "Cut node-to-node links between these groups of nodes." }),
    healAfter: duration("With partition: heal it this long after.").optional(),
    link: z
      .tuple([z.string().min(1), z.string().min(1)])
      .optional()
      .meta({ description: "Degrade the link between two endpoints (node or client names)." }),
    latency: distribution("duration", "With link: the one-way delay meanwhile.").optional(),
    bandwidth: bandwidth("With link: bytes per second meanwhile, e.g. 1MB/s.").optional(),
    loss: probability("With link: chance a frame is lost (and retransmitted after 200ms).").optional(),
    killConnection: z.string().min(1).optional().meta({
      description: "Reset this client's connection (producer or consumer name, or instance name-i).",
    }),
    stallConsumer: z
      .string()
      .min(1)
      .optional()
      .meta({ description: "Stop this consumer from processing for `for`." }),
    alarm: z.enum(["memory", "disk"]).optional().meta({ description: "Raise a resource alarm on `node`." }),
    node: nodeName.optional().meta({ description: "With alarm: the node whose alarm goes off." }),
    for: duration("How long a link change, consumer stall or alarm lasts.").optional(),
  })
  .superRefine((f, ctx) => {
    const present = ACTIONS.filter((a) => f[a] !== undefined);
    if (present.length !== 1) {
      ctx.addIssue({
        code: "custom",
        message:
          present.length === 0
            ? `a fault needs one of ${ACTIONS.join(", ")}`
            : `a fault does one thing; this one has ${present.join(" and ")}: write them as separate faults`,
        path: present.length > 1 ? [present[1]!] : [],
      });
      return;
    }
    const action = present[0]!;
    for (const [key, owner] of Object.entries(ONLY_WITH)) {
      if ((f as Record<string, unknown>)[key] !== undefined && owner !== action) {
        ctx.addIssue({ code: "custom", message: `${key} goes with ${owner}, not ${action}`, path: [key] });
      }
    }
    if (f.for !== undefined && !["link", "stallConsumer", "alarm"].includes(action)) {
      ctx.addIssue({
        code: "custom",
        message: `for goes with link, stallConsumer or alarm, not ${action}`,
        path: ["for"],
      });
    }
    if (action === "stallConsumer" && f.for === undefined) {
      ctx.addIssue({ code: "custom", message: "stallConsumer needs for: how long it stalls", path: [] });
    }
    if (action === "alarm" && f.node === undefined) {
      ctx.addIssue({ code: "custom", message: "alarm needs node: where the alarm is raised", path: [] });
    }
    if (action === "link" && f.latency === undefined && f.bandwidth === undefined && f.loss === undefined) {
      ctx.addIssue({ code: "custom", message: "link needs latency, bandwidth or loss", path: [] });
    }
  })
  .meta({ description: "One fault: a time `at` and exactly one action, with its options." });

export const faultsShape = {
  faults: z
    .array(faultSchema)
    .default([])
    .meta({ description: "Fault schedule: crashes, partitions, slow links ..." }),
};

export type FaultSpec = z.output<typeof faultSchema>;

/** Turn validated fault specs into fault objects (each schedules its own events when installed). */
export function buildFaults(specs: readonly FaultSpec[]): Fault[] {
  return specs.map((f) => {
    if (f.crash !== undefined) return new CrashNode(f.at, f.crash, f.restartAfter);
    if (f.stop !== undefined) return new StopNode(f.at, f.stop, f.startAfter);
    if (f.start !== undefined) return new StartNode(f.at, f.start);
    if (f.partition !== undefined) return new PartitionNodes(f.at, f.partition, f.healAfter);
    if (f.link !== undefined) {
      const o: { latency?: Distribution; bandwidth?: number; loss?: number } = {};
      if (f.latency !== undefined) o.latency = f.latency;
      if (f.bandwidth !== undefined) o.bandwidth = f.bandwidth;
      if (f.loss !== undefined) o.loss = f.loss;
      return new DegradeLink(f.at, f.link, o as LinkOverride, f.for);
    }
    if (f.killConnection !== undefined) return new KillConnection(f.at, f.killConnection);
    if (f.stallConsumer !== undefined) return new StallConsumer(f.at, f.stallConsumer, f.for ?? 0);
    if (f.alarm !== undefined) return new ResourceAlarm(f.at, f.alarm, f.node ?? "", f.for);
    throw new Error("unreachable: the schema requires one fault action");
  });
}

/** Faults must name declared nodes and clients, and happen before the end of the run. */
export const faultsChecks: readonly SectionCheck[] = [
  (doc, ctx) => {
    const nodes = declaredNodes(doc);
    const known = new Set(nodes);
    const clients = declaredClients(doc);
    const consumers = new Set<string>();
    for (const { item } of records(doc.consumers)) {
      if (typeof item.name !== "string") continue;
      consumers.add(item.name);
      const n = typeof item.count === "number" ? item.count : 1;
      for (let i = 0; i < n && i < 10_000; i++) consumers.add(`${item.name}-${i}`);
    }
    const end = tryParse(doc.duration, parseDuration);
    const node = (path: (string | number)[], v: unknown) => {
      if (typeof v === "string" && !known.has(v)) {
        ctx.problem(
          path,
          `node "${v}" is not in the cluster (nodes: ${nodes.join(", ")})${didYouMean(v, known)}`,
        );
      }
    };
    const hasCluster = doc.cluster !== undefined && doc.cluster !== null;
    for (const { index, item } of records(doc.faults)) {
      if (!hasCluster) {
        ctx.problem(
          ["faults", index],
          "faults need a cluster: section (the free broker has no nodes, links or failures)",
        );
      }
      const at = tryParse(item.at, parseDuration);
      if (at !== undefined && end !== undefined && at >= end) {
        ctx.problem(
          ["faults", index, "at"],
          `at ${String(item.at)} is at or after the end of the run (duration ${String(doc.duration)})`,
        );
      }
      for (const k of ["crash", "stop", "start", "node"]) node(["faults", index, k], item[k]);
      if (Array.isArray(item.partition)) {
        const seen = new Set<string>();
        item.partition.forEach((g, gi) => {
          if (!Array.isArray(g)) return;
          g.forEach((n, ni) => {
            node(["faults", index, "partition", gi, ni], n);
            if (typeof n === "string") {
              if (seen.has(n))
                ctx.problem(["faults", index, "partition", gi, ni], `node "${n}" is in two groups`);
              seen.add(n);
            }
          });
        });
      }
      if (Array.isArray(item.link)) {
        item.link.forEach((n, j) => {
          if (typeof n === "string" && !known.has(n) && !clients.has(n)) {
            ctx.problem(
              ["faults", index, "link", j],
              `"${n}" is neither a node nor a client${didYouMean(n, [...known, ...clients])}`,
            );
          }
        });
      }
      const kc = item.killConnection;
      if (typeof kc === "string" && !clients.has(kc)) {
        ctx.problem(
          ["faults", index, "killConnection"],
          `no producer or consumer is named "${kc}"${didYouMean(kc, clients)}`,
        );
      }
      const sc = item.stallConsumer;
      if (typeof sc === "string" && !consumers.has(sc)) {
        ctx.problem(
          ["faults", index, "stallConsumer"],
          `no consumer is named "${sc}"${didYouMean(sc, consumers)}`,
        );
      }
    }
  },
];
