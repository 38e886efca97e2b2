import { Document } from "yaml";
import { NS_PER_MS } from "../engine/time.js";
import { formatDuration } from "../engine/units.js";
import { EXCHANGE_TYPES } from "./schema/topology.js";

/**
 * RabbitMQ definitions export (`rabbitmqctl export_definitions`, or the management UI's
 * "Export definitions"): the parts a scenario models. Fields as RabbitMQ writes them.
 */
interface Definitions {
  readonly rabbit_version?: string;
  readonly rabbitmq_version?: string;
  readonly vhosts?: readonly { readonly name: string }[];
  readonly exchanges?: readonly DefExchange[];
  readonly queues?: readonly DefQueue[];
  readonly bindings?: readonly DefBinding[];
  readonly policies?: readonly DefPolicy[];
}
interface DefExchange {
  readonly name: string;
  readonly vhost: string;
  readonly type: string;
  readonly durable?: boolean;
  readonly auto_delete?: boolean;
  readonly internal?: boolean;
  readonly arguments?: Record<string, unknown>;
}
interface DefQueue {
  readonly name: string;
  readonly vhost: string;
  readonly durable?: boolean;
  readonly auto_delete?: boolean;
  readonly arguments?: Record<string, unknown>;
}
interface DefBinding {
  readonly source: string;
  readonly vhost: string;
  readonly destination: string;
  readonly destination_type: "queue" | "exchange";
  readonly routing_key: string;
  readonly arguments?: Record<string, unknown>;
}
interface DefPolicy {
  readonly name: string;
  readonly vhost: string;
  readonly pattern: string;
  readonly "apply-to"?: string;
  readonly priority?: number;
  readonly definition: Record<string, unknown>;
}

/** x-arguments / policy keys holding milliseconds, and those holding bytes. */
const MS_ARGS = new Set(["x-message-ttl", "x-expires", "message-ttl", "expires"]);
const BYTE_ARGS = new Set(["x-max-length-bytes", "max-length-bytes"]);
const QUEUE_ARGS = new Set([
  "x-message-ttl",
  "x-expires",
  "x-max-length",
  "x-max-length-bytes",
  "x-overflow",
  "x-dead-letter-exchange",
  "x-dead-letter-routing-key",
  "x-max-priority",
  "x-queue-type",
  "x-single-active-consumer",
  "x-delivery-limit",
  "x-queue-mode",
]);
const POLICY_KEYS = new Set([
  "message-ttl",
  "expires",
  "max-length",
  "max-length-bytes",
  "overflow",
  "dead-letter-exchange",
  "dead-letter-routing-key",
  "delivery-limit",
  "queue-mode",
  "alternate-exchange",
  "ha-mode",
  "ha-params",
  "ha-sync-mode",
  "queue-master-locator",
]);

function withUnit(key: string, v: unknown): unknown {
  if (typeof v !== "number") return v;
  if (MS_ARGS.has(key)) return formatDuration(v * NS_PER_MS);
  if (BYTE_ARGS.has(key)) return `${v}B`;
  return v;
}

/** Scenario names: letters, digits, '.', '_', '-'. */
function safeName(name: string): string {
  const s = name.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[^A-Za-z0-9]+/, "");
  return s === "" ? "imported" : s;
}

/**
 * Turns a RabbitMQ definitions export into scenario YAML: vhosts, exchanges, queues (x-arguments
 * with units), bindings and policies, plus a placeholder workload (a 10/s producer per bound
 * exchange using its binding keys, a consumer per queue) to edit. What a scenario cannot express
 * (plugin exchange types, unknown arguments, users, permissions) is listed in the header comment.
 */
export function definitionsToScenarioYaml(defs: Definitions, name = "imported"): string {
  const notes: string[] = [];
  const vhosts = (defs.vhosts ?? [{ name: "/" }]).map((v) => v.name).sort();
  const exchanges = (defs.exchanges ?? [])
    .filter((x) => {
      if ((EXCHANGE_TYPES as readonly string[]).includes(x.type)) return true;
      notes.push(`exchange "${x.name}" has type ${x.type}, which amqpsim does not model: left out`);
      return false;
    })
    .filter((x) => !x.name.startsWith("amq.") && x.name !== "")
    .map((x) => {
      const out: Record<string, unknown> = { name: x.name, type: x.type };
      if (x.vhost !== "/") out.vhost = x.vhost;
      if (x.durable === false) out.durable = false;
      if (x.auto_delete) out.autoDelete = true;
      if (x.internal) out.internal = true;
      for (const [k, v] of Object.entries(x.arguments ?? {})) {
        if (k === "alternate-exchange" && typeof v === "string") out.alternateExchange = v;
        else notes.push(`exchange "${x.name}": argument ${k} is not modelled: left out`);
      }
      return out;
    });
  const kept = new Set(exchanges.map((x) => `${x.vhost ?? "/"}\u0000${x.name}`));
  const queues = (defs.queues ?? []).map((q) => {
    const out: Record<string, unknown> = { name: q.name };
    if (q.vhost !== "/") out.vhost = q.vhost;
    if (q.durable === false) out.durable = false;
    if (q.auto_delete) out.autoDelete = true;
    const args: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(q.arguments ?? {})) {
      if (k === "x-queue-type" && v !== "classic" && v !== "quorum") {
        notes.push(`queue "${q.name}" is a ${String(v)} queue, modelled as a classic queue`);
      } else if (QUEUE_ARGS.has(k)) args[k] = withUnit(k, v);
      else notes.push(`queue "${q.name}": argument ${k} is not modelled: left out`);
    }
    if (Object.keys(args).length > 0) out.arguments = args;
    return out;
  });
  const bindings = (defs.bindings ?? [])
    .filter((b) => {
      const ok =
        b.source.startsWith("amq.") ||
        (kept.has(`${b.vhost}\u0000${b.source}`) &&
          (b.destination_type === "queue" || kept.has(`${b.vhost}\u0000${b.destination}`)));
      if (!ok) notes.push(`binding ${b.source} -> ${b.destination} uses a left-out exchange: left out`);
      return ok;
    })
    .map((b) => {
      const out: Record<string, unknown> = { exchange: b.source };
      if (b.destination_type === "queue") out.queue = b.destination;
      else out.destinationExchange = b.destination;
      if (b.vhost !== "/") out.vhost = b.vhost;
      if (b.routing_key !== "") out.key = b.routing_key;
      if (b.arguments && Object.keys(b.arguments).length > 0) out.arguments = b.arguments;
      return out;
    });
  const policies = (defs.policies ?? []).map((p) => {
    const definition: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(p.definition)) {
      if (POLICY_KEYS.has(k)) definition[k] = withUnit(k, v);
      else notes.push(`policy "${p.name}": key ${k} is not modelled: left out`);
    }
    const out: Record<string, unknown> = { name: p.name };
    if (p.vhost !== "/") out.vhost = p.vhost;
    out.pattern = p.pattern;
    // RabbitMQ 4 adds classic_queues / quorum_queues / streams: all are queues here
    const applyTo = p["apply-to"] ?? "all";
    if (applyTo === "exchanges") out.applyTo = "exchanges";
    else if (applyTo !== "all") out.applyTo = "queues";
    if (p.priority) out.priority = p.priority;
    out.definition = definition;
    return out;
  });
  // placeholder workload
  const producers: Record<string, unknown>[] = [];
  const bySource = new Map<string, string[]>();
  for (const b of bindings) {
    const key = `${(b.vhost as string | undefined) ?? "/"}\u0000${b.exchange as string}`;
    const keys = bySource.get(key) ?? [];
    const k = (b.key as string | undefined) ?? "";
    if (!keys.includes(k)) keys.push(k);
    bySource.set(key, keys);
  }
  // exchanges that receive dead letters are fed by the broker, not by an application
  const dlxs = new Set(
    (defs.queues ?? []).flatMap((q) => {
      const d = q.arguments?.["x-dead-letter-exchange"];
      return typeof d === "string" ? [`${q.vhost}\u0000${d}`] : [];
    }),
  );
  for (const p of defs.policies ?? []) {
    const d = p.definition["dead-letter-exchange"];
    if (typeof d === "string") dlxs.add(`${p.vhost}\u0000${d}`);
  }
  for (const [key, keys] of [...bySource].sort()) {
    if (dlxs.has(key)) continue;
    const [vhost, exchange] = key.split("\u0000") as [string, string];
    const p: Record<string, unknown> = { name: safeName(`publish-${exchange}`) };
    if (vhost !== "/") p.vhost = vhost;
    p.exchange = exchange;
    const concrete = keys.map((k) => k.replace(/#/g, "x").replace(/\*/g, "x"));
    if (concrete.length === 1) p.routingKey = concrete[0];
    else p.routingKeys = concrete;
    p.rate = "10/s";
    p.size = "1KiB";
    producers.push(p);
  }
  const consumers = queues.map((q) => {
    const c: Record<string, unknown> = { name: safeName(`consume-${q.name as string}`) };
    if (q.vhost !== undefined) c.vhost = q.vhost;
    c.queue = q.name;
    c.prefetch = 10;
    c.processing = "exp(5ms)";
    return c;
  });
  const version = defs.rabbitmq_version ?? defs.rabbit_version;
  const broker = version ? /^(\d+\.\d+)/.exec(version)?.[1] : undefined;
  const scenario: Record<string, unknown> = {
    name: safeName(name),
    description:
      `Imported from a RabbitMQ ${version ?? ""} definitions export; the workload is a placeholder.`.replace(
        "  ",
        " ",
      ),
    duration: "60s",
  };
  if (broker && ["3.10", "3.11", "3.12", "3.13", "4.0", "4.1", "4.2", "4.3"].includes(broker)) {
    scenario.broker = { version: broker };
  }
  if (vhosts.length !== 1 || vhosts[0] !== "/") scenario.vhosts = vhosts;
  scenario.exchanges = exchanges;
  scenario.queues = queues;
  scenario.bindings = bindings;
  if (policies.length > 0) scenario.policies = policies;
  scenario.producers = producers;
  scenario.consumers = consumers;
  const doc = new Document(scenario);
  const header = [
    " yaml-language-server: $schema=../schema/scenario.schema.json",
    "",
    " Imported by `amqpsim import`. The topology is the export's; the workload (producers,",
    " consumers, rates, sizes, processing times) is a PLACEHOLDER: replace it with yours.",
    ...(notes.length > 0 ? ["", " Not imported:", ...notes.map((n) => `  - ${n}`)] : []),
  ];
  doc.commentBefore = header.join("\n");
  return doc.toString({ lineWidth: 0 });
}
