import * as z from "zod";
import { parseDuration } from "../../engine/units.js";
import { count, distribution, duration, entityName, probability, vhostName } from "./common.js";
import { checkReconnectNodes, reconnectSchema } from "./reconnect.js";
import { Declared } from "./references.js";
import { checkUniqueNames, checkWindow, records, type SectionCheck, str } from "./section.js";

const settleFailure = (what: string, requeueDefault: boolean) =>
  z
    .strictObject({
      probability: probability(`Chance that a delivery is ${what}ed instead of acked.`),
      requeue: z
        .boolean()
        .default(requeueDefault)
        .meta({ description: "Put the message back in the queue." }),
    })
    .meta({ description: `basic.${what} some deliveries.` });

export const consumerSchema = z
  .strictObject({
    name: entityName("consumer"),
    count: count("Identical consumer instances, each with its own connection and channel.", 1).default(1),
    vhost: vhostName(),
    queue: z.string().meta({ description: "Queue to consume from." }),
    prefetch: count("basic.qos prefetch count per consumer; 0 = unlimited.")
      .max(65535, "basic.qos prefetch-count is a 16-bit field: at most 65535")
      .default(0),
    ack: z
      .enum(["manual", "auto"])
      .default("manual")
      .meta({ description: "manual: ack after processing; auto: no-ack delivery." }),
    processing: distribution("duration", "Time to process one message, e.g. exp(10ms).").prefault("0ms"),
    nack: settleFailure("nack", true).optional(),
    reject: settleFailure("reject", false).optional(),
    crash: z
      .strictObject({
        probability: probability("Chance, per message, that the consumer dies while processing it."),
        restartAfter: duration("Time until it reconnects and consumes again.").prefault("1s"),
      })
      .optional()
      .meta({
        description: "Consumer crashes: its connection closes and its unacked messages are requeued.",
      }),
    priority: z.number().int().optional().meta({ description: "Consumer priority (x-priority)." }),
    exclusive: z.boolean().default(false),
    reply: z
      .boolean()
      .default(false)
      .meta({ description: "RPC server: publish a reply to each message's reply-to after processing." }),
    reconnect: reconnectSchema.optional(),
    start: duration("When the consumer starts.").prefault("0s"),
    stop: duration("When the consumer cancels and disconnects (default: end of run).").optional(),
  })
  .meta({ description: "A group of identical consuming clients." });

export const consumersShape = {
  consumers: z.array(consumerSchema).default([]),
};

export const consumerChecks: readonly SectionCheck[] = [
  (doc, ctx) => {
    checkUniqueNames(doc, "consumers", "consumer", ctx);
    checkReconnectNodes(doc, "consumers", ctx);
    const d = new Declared(doc);
    for (const { index, item } of records(doc.consumers)) {
      const vhost = str(item, "vhost") ?? "/";
      if (!d.vhosts.has(vhost)) ctx.problem(["consumers", index, "vhost"], d.noVhost(vhost));
      const q = str(item, "queue");
      if (q !== undefined && !d.hasQueue(vhost, q))
        ctx.problem(["consumers", index, "queue"], d.noQueue(vhost, q));
      checkWindow(doc, "consumers", index, item, ctx, parseDuration);
      let total = 0;
      for (const k of ["nack", "reject", "crash"]) {
        const v = item[k];
        const prob =
          v !== null && typeof v === "object" ? (v as Record<string, unknown>).probability : undefined;
        // out-of-range probabilities are the schema's to report; sum only valid ones
        if (typeof prob === "number" && prob >= 0 && prob <= 1) total += prob;
      }
      if (total > 1) {
        ctx.problem(
          ["consumers", index],
          `nack + reject + crash probabilities add up to ${total}, more than 1`,
        );
      }
      if (item.ack === "auto") {
        for (const k of ["nack", "reject"]) {
          if (item[k] !== undefined)
            ctx.problem(["consumers", index, k], `an auto-ack consumer cannot ${k}: set ack: manual`);
        }
      }
    }
  },
];
