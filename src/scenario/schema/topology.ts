import * as z from "zod";
import { didYouMean } from "../suggest.js";
import { count, duration, entityName, size, table, vhostName } from "./common.js";
import { Declared } from "./references.js";
import { records, type SectionCheck, str } from "./section.js";

export const EXCHANGE_TYPES = ["direct", "fanout", "topic", "headers"] as const;

export const exchangeSchema = z
  .strictObject({
    name: entityName("exchange"),
    type: z.enum(EXCHANGE_TYPES).meta({ description: "Routing algorithm." }),
    vhost: vhostName(),
    durable: z.boolean().default(true),
    autoDelete: z.boolean().default(false).meta({ description: "Deleted when its last binding goes." }),
    internal: z.boolean().default(false).meta({ description: "Clients cannot publish to it directly." }),
    alternateExchange: z
      .string()
      .optional()
      .meta({ description: "Where messages that match no binding go (the alternate-exchange argument)." }),
  })
  .meta({ description: "An exchange to declare." });

export const OVERFLOW_MODES = ["drop-head", "reject-publish", "reject-publish-dlx"] as const;
export const QUEUE_TYPES = ["classic", "quorum"] as const;

/**
 * x-arguments, named as in RabbitMQ's documentation, with units written: x-message-ttl: 10s
 * (RabbitMQ's own field takes milliseconds; the builder converts).
 */
export const queueArgumentsSchema = z
  .strictObject({
    "x-message-ttl": duration(
      "Per-queue message TTL; expired messages are dropped or dead-lettered.",
    ).optional(),
    "x-expires": duration("Queue TTL: the queue is deleted after being unused this long.").optional(),
    "x-max-length": count("Maximum ready messages.").optional(),
    "x-max-length-bytes": size("Maximum total body bytes of ready messages.").optional(),
    "x-overflow": z.enum(OVERFLOW_MODES).optional().meta({ description: "What happens at the limit." }),
    "x-dead-letter-exchange": z.string().optional().meta({ description: "Exchange for dead letters." }),
    "x-dead-letter-routing-key": z.string().optional().meta({ description: "Routing key for dead letters." }),
    "x-max-priority": count("Enables priorities 0..N (1..255).", 1)
      .max(255, "x-max-priority is at most 255")
      .optional(),
    "x-queue-type": z.enum(QUEUE_TYPES).optional(),
    "x-single-active-consumer": z.boolean().optional(),
    "x-delivery-limit": count(
      "Quorum queues: deliveries before a message is dropped / dead-lettered.",
      1,
    ).optional(),
    "x-queue-mode": z.enum(["default", "lazy"]).optional(),
  })
  .meta({ description: "Queue x-arguments (durations and sizes with units)." });

export const queueSchema = z
  .strictObject({
    name: entityName("queue"),
    vhost: vhostName(),
    durable: z.boolean().default(true),
    exclusive: z.boolean().default(false).meta({
      description:
        "Must stay false: an exclusive queue belongs to the connection that declares it, and amqpsim declares the topology on its own connection.",
    }),
    autoDelete: z.boolean().default(false),
    arguments: queueArgumentsSchema.default({}),
  })
  .meta({ description: "A queue to declare." });

export const bindingSchema = z
  .strictObject({
    exchange: z.string().meta({ description: "Source exchange." }),
    queue: z.string().optional().meta({ description: "Destination queue (or use destinationExchange)." }),
    destinationExchange: z.string().optional().meta({ description: "Destination exchange (e2e binding)." }),
    vhost: vhostName(),
    key: z.string().optional().meta({ description: "Binding key (topic: words separated by '.', * and #)." }),
    keys: z.array(z.string()).optional().meta({ description: "Several binding keys: one binding each." }),
    arguments: table(
      "Binding arguments: for a headers exchange, x-match and the headers to match.",
    ).optional(),
  })
  .meta({ description: "A binding from an exchange to a queue or another exchange." });

/** Policy keys as in RabbitMQ's policy definitions, with units written. */
export const policyDefinitionSchema = z
  .strictObject({
    "message-ttl": duration().optional(),
    expires: duration().optional(),
    "max-length": count("Maximum ready messages.").optional(),
    "max-length-bytes": size().optional(),
    overflow: z.enum(OVERFLOW_MODES).optional(),
    "dead-letter-exchange": z.string().optional(),
    "dead-letter-routing-key": z.string().optional(),
    "delivery-limit": count("Quorum queue delivery limit.", 1).optional(),
    "queue-mode": z.enum(["default", "lazy"]).optional(),
    "alternate-exchange": z.string().optional(),
    "ha-mode": z.enum(["all", "exactly", "nodes"]).optional(),
    "ha-params": z.union([z.number().int(), z.array(z.string())]).optional(),
    "ha-sync-mode": z.enum(["manual", "automatic"]).optional(),
    "queue-master-locator": z.string().optional(),
  })
  .meta({ description: "What the policy sets." });

export const policySchema = z
  .strictObject({
    name: entityName("policy"),
    vhost: vhostName(),
    pattern: z
      .string()
      .refine(
        (p) => {
          try {
            new RegExp(p);
            return true;
          } catch {
            return false;
          }
        },
        { message: "not a valid regular expression" },
      )
      .meta({ description: "Regular expression matched against queue / exchange names." }),
    applyTo: z.enum(["queues", "exchanges", "all"]).default("all"),
    priority: z.number().int().default(0).meta({ description: "Highest-priority matching policy applies." }),
    definition: policyDefinitionSchema,
  })
  .meta({ description: "A policy: arguments applied to every matching queue / exchange." });

export const topologyShape = {
  vhosts: z.array(z.string().min(1)).default(["/"]).meta({ description: "Virtual hosts (default: just /)." }),
  exchanges: z.array(exchangeSchema).default([]),
  queues: z.array(queueSchema).default([]),
  bindings: z.array(bindingSchema).default([]),
  policies: z.array(policySchema).default([]),
};

/** References between topology entities, duplicates, reserved names. */
export const topologyChecks: readonly SectionCheck[] = [
  (doc, ctx) => {
    const d = new Declared(doc);
    const checkVhost = (section: string, index: number, item: { readonly [key: string]: unknown }) => {
      const vhost = str(item, "vhost");
      if (vhost !== undefined && !d.vhosts.has(vhost))
        ctx.problem([section, index, "vhost"], d.noVhost(vhost));
    };
    const seen = new Set<string>();
    for (const { index, item } of records(doc.exchanges)) {
      checkVhost("exchanges", index, item);
      const name = str(item, "name");
      if (name === undefined) continue;
      const key = `${str(item, "vhost") ?? "/"}\u0000${name}`;
      if (seen.has(key)) ctx.problem(["exchanges", index, "name"], `exchange "${name}" is declared twice`);
      seen.add(key);
      if (name.startsWith("amq.")) {
        ctx.problem(
          ["exchanges", index, "name"],
          `names starting with "amq." are reserved (403 ACCESS_REFUSED)`,
        );
      }
      const ae = str(item, "alternateExchange");
      const vhost = str(item, "vhost") ?? "/";
      if (ae !== undefined && !d.hasExchange(vhost, ae)) {
        ctx.problem(["exchanges", index, "alternateExchange"], d.noExchange(vhost, ae));
      }
    }
    seen.clear();
    for (const { index, item } of records(doc.queues)) {
      checkVhost("queues", index, item);
      const name = str(item, "name");
      if (name === undefined) continue;
      const vhost = str(item, "vhost") ?? "/";
      const key = `${vhost}\u0000${name}`;
      if (seen.has(key)) ctx.problem(["queues", index, "name"], `queue "${name}" is declared twice`);
      seen.add(key);
      if (name.startsWith("amq.")) {
        ctx.problem(
          ["queues", index, "name"],
          `names starting with "amq." are reserved (403 ACCESS_REFUSED)`,
        );
      }
      if (item.exclusive === true) {
        ctx.problem(
          ["queues", index, "exclusive"],
          "an exclusive queue belongs to the connection that declares it; amqpsim declares the topology on its own connection, so no consumer could use it (405 RESOURCE_LOCKED): use autoDelete or x-expires instead",
        );
      }
      const args = item.arguments;
      if (args !== null && typeof args === "object") {
        const dlx = (args as Record<string, unknown>)["x-dead-letter-exchange"];
        if (typeof dlx === "string" && dlx !== "" && !d.hasExchange(vhost, dlx)) {
          ctx.problem(["queues", index, "arguments", "x-dead-letter-exchange"], d.noExchange(vhost, dlx));
        }
      }
    }
    for (const { index, item } of records(doc.bindings)) {
      checkVhost("bindings", index, item);
      const vhost = str(item, "vhost") ?? "/";
      const ex = str(item, "exchange");
      if (ex === "") {
        ctx.problem(
          ["bindings", index, "exchange"],
          "the default exchange cannot be bound (403 ACCESS_REFUSED)",
        );
      } else if (ex !== undefined && !d.hasExchange(vhost, ex)) {
        ctx.problem(["bindings", index, "exchange"], d.noExchange(vhost, ex));
      }
      const q = str(item, "queue");
      const de = str(item, "destinationExchange");
      if (q === undefined && de === undefined) {
        ctx.problem(["bindings", index], "a binding needs a destination: queue or destinationExchange");
      } else if (q !== undefined && de !== undefined) {
        ctx.problem(
          ["bindings", index, "destinationExchange"],
          "give either queue or destinationExchange, not both",
        );
      }
      if (q !== undefined && !d.hasQueue(vhost, q))
        ctx.problem(["bindings", index, "queue"], d.noQueue(vhost, q));
      if (de !== undefined && !d.hasExchange(vhost, de)) {
        ctx.problem(["bindings", index, "destinationExchange"], d.noExchange(vhost, de));
      }
      if (item.key !== undefined && item.keys !== undefined) {
        ctx.problem(["bindings", index, "keys"], "give either key or keys, not both");
      }
      const args = item.arguments;
      if (args !== null && typeof args === "object") {
        const xm = (args as Record<string, unknown>)["x-match"];
        const modes = ["all", "any", "all-with-x", "any-with-x"];
        if (xm !== undefined && !modes.includes(String(xm))) {
          ctx.problem(
            ["bindings", index, "arguments", "x-match"],
            `x-match must be one of ${modes.join(", ")}${didYouMean(String(xm), modes)}`,
          );
        }
      }
    }
    for (const { index, item } of records(doc.policies)) checkVhost("policies", index, item);
  },
];
