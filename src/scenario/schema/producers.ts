import * as z from "zod";
import { parseDuration } from "../../engine/units.js";
import { count, distribution, duration, entityName, positive, rate, table, vhostName } from "./common.js";
import { checkReconnectNodes, producerReconnectSchema } from "./reconnect.js";
import { Declared } from "./references.js";
import { checkUniqueNames, checkWindow, records, type SectionCheck, str, tryParse } from "./section.js";

/** A change of rate at a point in time, for `schedule:`. */
const scheduleStep = z.strictObject({
  at: duration("When this rate starts, counted from the producer's start."),
  rate: rate("Publish rate from `at` on (0/s pauses)."),
});

export const producerSchema = z
  .strictObject({
    name: entityName("producer"),
    count: count("Identical producer instances, each with its own connection and channel.", 1).default(1),
    vhost: vhostName(),
    exchange: z
      .string()
      .default("")
      .meta({ description: 'Exchange to publish to; "" is the default exchange.' }),
    routingKey: z
      .string()
      .optional()
      .meta({
        description:
          "Routing key, possibly a template: {i} = producer instance (0-based), {seq} = message number " +
          "of that instance (0-based), {rand:N} = uniform whole number in [0, N).",
      }),
    routingKeys: z
      .union([z.array(z.string()).min(1), z.record(z.string(), z.number().positive("a weight must be > 0"))])
      .optional()
      .meta({ description: "Routing keys chosen at random: a list (uniform) or a map of key: weight." }),
    // how often: exactly one of rate / bursts / ramp / schedule
    rate: positive(rate("Constant publish rate per instance."), "use schedule: for pauses").optional(),
    arrivals: z
      .enum(["constant", "poisson"])
      .default("constant")
      .meta({ description: "constant: evenly spaced; poisson: exponential gaps with the same mean rate." }),
    bursts: z
      .strictObject({
        size: count("Messages per burst.", 1),
        every: positive(duration("Time between burst starts."), "bursts every 0 s would never end"),
      })
      .optional()
      .meta({ description: "Publish `size` messages back to back every `every`." }),
    ramp: z
      .strictObject({
        from: rate("Rate at the producer's start."),
        to: rate("Rate at the end of the ramp (then held)."),
        over: positive(duration("Ramp length."), "a ramp over 0 s is a step: use schedule:"),
      })
      .optional()
      .meta({ description: "Rate rising (or falling) linearly." }),
    schedule: z
      .array(scheduleStep)
      .min(1)
      .optional()
      .meta({ description: "Piecewise-constant rate: a list of {at, rate}." }),
    messages: count("Messages each instance publishes before it stops.", 1)
      .optional()
      .meta({ description: "Stop after this many messages per instance." }),
    size: distribution("size").prefault("256B"),
    headers: table("Message headers.").optional(),
    persistent: z.boolean().default(false).meta({ description: "delivery-mode 2." }),
    priority: z
      .union([z.number().int().min(0).max(255), distribution("number")])
      .optional()
      .meta({ description: "Message priority 0..255, or a number distribution (rounded)." }),
    expiration: duration("Per-message TTL (the expiration property).").optional(),
    mandatory: z
      .boolean()
      .default(false)
      .meta({ description: "Return unroutable messages to the producer." }),
    confirms: z
      .union([z.boolean(), count("Maximum unconfirmed messages in flight.", 1)])
      .default(false)
      .meta({
        description:
          "Publisher confirms: true, or a number = the most unconfirmed messages in flight (then wait).",
      }),
    batch: count("Publish this many, then wait for all their confirms (needs confirms).", 1).optional(),
    rpc: z
      .strictObject({
        timeout: duration("Give up waiting for a reply after this long.").prefault("30s"),
      })
      .optional()
      .meta({
        description:
          "Make each message a request: reply-to amq.rabbitmq.reply-to (direct reply-to), wait for the reply before the next.",
      }),
    reconnect: producerReconnectSchema.optional(),
    start: duration("When the producer starts.").prefault("0s"),
    stop: duration("When the producer stops (default: end of run).").optional(),
  })
  .meta({ description: "A group of identical publishing clients." });

export const producersShape = {
  producers: z.array(producerSchema).default([]),
};

const RATE_KEYS = ["rate", "bursts", "ramp", "schedule"] as const;

export const producerChecks: readonly SectionCheck[] = [
  (doc, ctx) => {
    checkUniqueNames(doc, "producers", "producer", ctx);
    checkReconnectNodes(doc, "producers", ctx);
    const d = new Declared(doc);
    for (const { index, item } of records(doc.producers)) {
      const vhost = str(item, "vhost") ?? "/";
      if (!d.vhosts.has(vhost)) ctx.problem(["producers", index, "vhost"], d.noVhost(vhost));
      const ex = str(item, "exchange");
      if (ex !== undefined && ex !== "") {
        if (!d.hasExchange(vhost, ex)) ctx.problem(["producers", index, "exchange"], d.noExchange(vhost, ex));
        else if (d.exchange(vhost, ex)?.internal === true) {
          ctx.problem(
            ["producers", index, "exchange"],
            `exchange "${ex}" is internal: clients cannot publish to it (403)`,
          );
        }
      }
      const given = RATE_KEYS.filter((k) => item[k] !== undefined);
      if (given.length === 0 && item.messages === undefined) {
        ctx.problem(
          ["producers", index],
          "say how often to publish: one of rate, bursts, ramp, schedule (or messages, sent as fast as possible)",
        );
      } else if (given.length > 1) {
        ctx.problem(
          ["producers", index, given[1]!],
          `give only one of rate, bursts, ramp, schedule (found ${given.join(" and ")})`,
        );
      }
      if (item.routingKey !== undefined && item.routingKeys !== undefined) {
        ctx.problem(["producers", index, "routingKeys"], "give either routingKey or routingKeys, not both");
      }
      if (item.batch !== undefined && (item.confirms === undefined || item.confirms === false)) {
        ctx.problem(["producers", index, "batch"], "batch waits for confirms: set confirms: true");
      }
      if (item.arrivals !== undefined && item.bursts !== undefined) {
        ctx.problem(
          ["producers", index, "arrivals"],
          "arrivals applies to rate, ramp and schedule, not to bursts",
        );
      }
      checkWindow(doc, "producers", index, item, ctx, parseDuration);
      const schedule = item.schedule;
      if (Array.isArray(schedule)) {
        let last = -1;
        records(schedule).forEach(({ index: j, item: step }) => {
          const at = tryParse(step.at, parseDuration);
          if (at === undefined) return;
          if (at <= last)
            ctx.problem(
              ["producers", index, "schedule", j, "at"],
              "schedule steps must be in increasing time order",
            );
          last = at;
        });
      }
    }
  },
];
