import type { FieldTable } from "../amqp/message.js";
import { NS_PER_MS } from "../engine/time.js";
import type { PolicySpec, QueueSpec } from "./schema/scenario.js";

/** Queue x-arguments as RabbitMQ takes them on the wire: TTLs in ms, sizes in bytes. */
export function queueArguments(q: QueueSpec): FieldTable {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(q.arguments)) {
    if (v === undefined) continue;
    out[k] =
      k === "x-message-ttl" || k === "x-expires"
        ? Math.round((v as number) / NS_PER_MS)
        : (v as string | number | boolean);
  }
  return out;
}

/** Policy keys that are limits: with both a policy and an x-argument, the lower value applies. */
const LIMITS: Readonly<Record<string, string>> = {
  "message-ttl": "x-message-ttl",
  expires: "x-expires",
  "max-length": "x-max-length",
  "max-length-bytes": "x-max-length-bytes",
  "delivery-limit": "x-delivery-limit",
};
/** Policy keys where an x-argument, if present, wins. */
const OTHERS: Readonly<Record<string, string>> = {
  overflow: "x-overflow",
  "dead-letter-exchange": "x-dead-letter-exchange",
  "dead-letter-routing-key": "x-dead-letter-routing-key",
  "queue-mode": "x-queue-mode",
};

/**
 * The policy that applies to an entity: among those of its vhost whose pattern matches its name
 * and that apply to its kind, the one with the highest priority (ties: the first declared).
 * RabbitMQ: docs/parameters.md "Policies" (one policy applies at a time).
 */
export function effectivePolicy(
  policies: readonly PolicySpec[],
  vhost: string,
  name: string,
  kind: "queues" | "exchanges",
): PolicySpec | undefined {
  let best: PolicySpec | undefined;
  for (const p of policies) {
    if (p.vhost !== vhost || (p.applyTo !== "all" && p.applyTo !== kind)) continue;
    if (!new RegExp(p.pattern).test(name)) continue;
    if (best === undefined || p.priority > best.priority) best = p;
  }
  return best;
}

/**
 * x-arguments after applying a policy: for limits (TTL, expires, lengths, delivery limit) the
 * lower of policy and argument applies; for the rest the queue's own argument wins
 * (docs/parameters.md "Combining policy definitions and optional arguments").
 */
export function withPolicy(args: FieldTable, policy: PolicySpec | undefined): FieldTable {
  if (!policy) return args;
  const out: Record<string, unknown> = { ...args };
  const d = policy.definition as Record<string, unknown>;
  for (const [key, arg] of Object.entries(LIMITS)) {
    let v = d[key];
    if (typeof v !== "number") continue;
    if (key === "message-ttl" || key === "expires") v = Math.round(v / NS_PER_MS);
    const own = out[arg];
    out[arg] = typeof own === "number" ? Math.min(own, v as number) : v;
  }
  for (const [key, arg] of Object.entries(OTHERS)) {
    const v = d[key];
    if (v !== undefined && out[arg] === undefined) out[arg] = v;
  }
  return out as FieldTable;
}
