import type { Declaration } from "../clients/topology.js";
import type { Scenario } from "./load.js";
import { PREDECLARED_EXCHANGES } from "./schema/references.js";
import type { BindingSpec, ConsumerSpec, ExchangeSpec, ProducerSpec, QueueSpec } from "./schema/scenario.js";
import { effectivePolicy, queueArguments, withPolicy } from "./topology-args.js";

/**
 * What each client redeclares after a reconnect: the part of the scenario's topology on its path,
 * declared exactly as the setup connection declared it (same flags, arguments and policy-derived
 * limits), so that an existing entity is an equivalent no-op and a lost one is created again.
 * A consumer declares the source exchanges upstream of its queue, its queue, then the bindings on
 * the way; a producer its exchange, the exchanges and queues downstream, then the bindings (on
 * the default exchange: the queues its fixed routing keys name). Exclusive queues belong to one
 * connection, so a producer never declares one. Pre-declared exchanges (amq.*) are left alone.
 */
export function consumerTopology(s: Scenario, c: ConsumerSpec): Declaration[] {
  const q = findQueue(s, c.vhost, c.queue);
  const exchanges = new Set<string>();
  const bindings: BindingSpec[] = [];
  const visit = (dest: string, kind: "queue" | "exchange"): void => {
    for (const b of s.bindings) {
      if (b.vhost !== c.vhost || (kind === "queue" ? b.queue : b.destinationExchange) !== dest) continue;
      if (bindings.includes(b)) continue;
      bindings.push(b);
      if (!exchanges.has(b.exchange)) {
        exchanges.add(b.exchange);
        visit(b.exchange, "exchange");
      }
    }
  };
  visit(c.queue, "queue");
  return [
    ...exchangeDecls(s, c.vhost, exchanges),
    ...(q === undefined ? [] : [queueDecl(s, q)]),
    ...bindingDecls(bindings),
  ];
}

export function producerTopology(s: Scenario, p: ProducerSpec): Declaration[] {
  const exchanges = new Set<string>();
  const queues = new Set<string>();
  const bindings: BindingSpec[] = [];
  const visit = (source: string): void => {
    exchanges.add(source);
    for (const b of s.bindings) {
      if (b.vhost !== p.vhost || b.exchange !== source || bindings.includes(b)) continue;
      if (b.queue !== undefined) {
        const q = findQueue(s, p.vhost, b.queue);
        if (q?.exclusive) continue;
        queues.add(b.queue);
        bindings.push(b);
      } else if (b.destinationExchange !== undefined) {
        bindings.push(b);
        if (!exchanges.has(b.destinationExchange)) visit(b.destinationExchange);
      }
    }
  };
  if (p.exchange === "") {
    // the default exchange routes by queue name: the fixed keys are the queues used
    const keys = Array.isArray(p.routingKeys)
      ? p.routingKeys
      : p.routingKeys
        ? Object.keys(p.routingKeys)
        : [p.routingKey ?? ""];
    for (const k of keys) if (!k.includes("{")) queues.add(k);
  } else {
    visit(p.exchange);
  }
  const qs: QueueSpec[] = [];
  for (const name of queues) {
    const q = findQueue(s, p.vhost, name);
    if (q !== undefined && !q.exclusive) qs.push(q);
  }
  return [
    ...exchangeDecls(s, p.vhost, exchanges),
    ...qs.map((q) => queueDecl(s, q)),
    ...bindingDecls(bindings),
  ];
}

function findQueue(s: Scenario, vhost: string, name: string): QueueSpec | undefined {
  return s.queues.find((q) => q.vhost === vhost && q.name === name);
}

function exchangeDecls(s: Scenario, vhost: string, names: ReadonlySet<string>): Declaration[] {
  const out: Declaration[] = [];
  for (const name of names) {
    if (name === "" || name in PREDECLARED_EXCHANGES) continue;
    const x = s.exchanges.find((e) => e.vhost === vhost && e.name === name);
    if (x !== undefined) out.push(exchangeDecl(s, x));
  }
  return out;
}

/** As the setup connection declares it (src/scenario/world.ts declareAndStart). */
function exchangeDecl(s: Scenario, x: ExchangeSpec): Declaration {
  const ae =
    x.alternateExchange ??
    effectivePolicy(s.policies, x.vhost, x.name, "exchanges")?.definition["alternate-exchange"];
  return {
    kind: "exchange",
    name: x.name,
    type: x.type,
    options: {
      durable: x.durable,
      autoDelete: x.autoDelete,
      internal: x.internal,
      ...(ae === undefined ? {} : { alternateExchange: ae }),
    },
  };
}

function queueDecl(s: Scenario, q: QueueSpec): Declaration {
  const args = withPolicy(queueArguments(q), effectivePolicy(s.policies, q.vhost, q.name, "queues"));
  return {
    kind: "queue",
    name: q.name,
    options: { durable: q.durable, exclusive: q.exclusive, autoDelete: q.autoDelete, arguments: args },
  };
}

function bindingDecls(bindings: readonly BindingSpec[]): Declaration[] {
  const out: Declaration[] = [];
  for (const b of bindings) {
    const args = b.arguments ?? {};
    for (const key of b.keys ?? [b.key ?? ""]) {
      if (b.queue !== undefined) {
        out.push({ kind: "bind-queue", queue: b.queue, source: b.exchange, key, args });
      } else if (b.destinationExchange !== undefined) {
        out.push({
          kind: "bind-exchange",
          destination: b.destinationExchange,
          source: b.exchange,
          key,
          args,
        });
      }
    }
  }
  return out;
}
