import * as z from "zod";
import { didYouMean } from "../suggest.js";
import { declaredNodes } from "./cluster.js";
import { count, duration } from "./common.js";
import { type CheckContext, type RawDoc, records } from "./section.js";

/**
 * `reconnect:` on a producer or consumer: what the client does when its connection drops (a node
 * crash, a pause, a killed connection). Absent: it stays disconnected, as amqplib does. Present:
 * it retries with capped exponential back-off and jitter, failing over along `nodes`
 * (src/cluster/reconnect.ts; the Java client's automatic recovery is `initialDelay: 5s,
 * multiplier: 1`). After reconnecting a client redeclares the topology it uses, then consumes or
 * publishes again; producers drop the messages due while they are disconnected unless `buffer`
 * keeps them.
 */
export const reconnectSchema = z
  .strictObject({
    nodes: z.array(z.string().min(1)).min(1).optional().meta({
      description:
        "Failover list of node names, tried in order after the one that failed (default: every node).",
    }),
    initialDelay: duration("Wait before the first attempt (default 1s).").prefault("1s"),
    multiplier: z
      .number()
      .min(1, "the back-off cannot shrink")
      .default(2)
      .meta({ description: "Each attempt waits this much longer." }),
    maxDelay: duration("Longest wait between attempts (default 30s).").prefault("30s"),
    jitter: z
      .number()
      .min(0)
      .max(1)
      .default(0.1)
      .meta({ description: "Random extra of up to this fraction of the wait (spreads reconnect storms)." }),
    heartbeat: duration(
      "Heartbeat timeout the client proposes; negotiated with the server's 60s (the smaller; if either is 0s, the other). A node that dies without resetting the connection (cluster.crashDetection longer than this) is noticed after it. Default 0s, as amqplib: the server's.",
    ).prefault("0s"),
  })
  .meta({ description: "Reconnect after the connection drops (default: stay disconnected)." });

/** A producer's `reconnect:` adds what happens to messages due while it is disconnected. */
export const producerReconnectSchema = reconnectSchema
  .extend({
    buffer: count(
      "Messages kept while disconnected and published, oldest first, after the reconnect; further ones fail (default 0: every publish while disconnected fails).",
    ).default(0),
  })
  .meta({ description: "Reconnect after the connection drops (default: stay disconnected)." });

/** Reconnect node lists must name cluster nodes. */
export function checkReconnectNodes(doc: RawDoc, section: string, ctx: CheckContext): void {
  const nodes = declaredNodes(doc);
  for (const { index, item } of records(doc[section])) {
    const r = item.reconnect;
    if (r === null || typeof r !== "object") continue;
    const list = (r as { nodes?: unknown }).nodes;
    if (!Array.isArray(list)) continue;
    list.forEach((n, j) => {
      if (typeof n === "string" && !nodes.includes(n)) {
        ctx.problem(
          [section, index, "reconnect", "nodes", j],
          `node "${n}" is not in the cluster${didYouMean(n, nodes)}`,
        );
      }
    });
  }
}
