import type {
  RunResult,
  Topology,
  TopologyBinding,
  TopologyConsumer,
  TopologyExchange,
  TopologyProducer,
  TopologyQueue,
} from "../../metrics/result.js";
import type { RpcQueueFamily } from "../../metrics/rpc-result.js";
import { rpcOf } from "./model.js";

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The topology of an RPC run with oslo's per-host and per-process queues folded into families:
 * one `compute.<host> ×1000` box instead of a thousand, one `compute` consumer box for every
 * compute process (fed by its topic, host, fanout and reply queues), one producer box per role.
 * Queue, exchange and binding counts come from the broker's summary; deliveries and publishes per
 * role from `rpc.topology`. Queues and exchanges outside the RPC families (declared by the
 * scenario, notification queues) stay as they are. Null when the result has no `rpc.topology`.
 */
export function rpcTopology(r: RunResult): Topology | null {
  const roles = rpcOf(r)?.topology?.roles;
  if (roles === undefined) return null;
  const t = r.topology;

  const queueFamily = new Map<string, RpcQueueFamily>();
  /** Per-queue reply exchanges (before Train) -> their family label. */
  const exchangeFamily = new Map<string, string>();
  const exchangeType = new Map<string, string>();
  for (const role of roles) {
    for (const f of role.consumes) {
      for (const q of f.queues) {
        queueFamily.set(q, f);
        if (f.kind === "reply" && f.exchange === f.label) exchangeFamily.set(q, f.label);
      }
      if (!exchangeType.has(f.exchange))
        exchangeType.set(
          f.exchange,
          f.kind === "fanout" ? "fanout" : f.kind === "reply" ? "direct" : "topic",
        );
    }
  }
  const q = (name: string): string => queueFamily.get(name)?.label ?? name;
  const x = (name: string): string => exchangeFamily.get(name) ?? name;

  // queues: every family (with its declared size: queues that never saw a message are not in the
  // summary), then the summary's and the scenario's queues outside the families
  const declaredQueue = new Map(t.queues.map((d) => [d.name, d]));
  const enqueued = (name: string): number =>
    r.summary.queues[name]?.counts.enqueued ?? declaredQueue.get(name)?.messages ?? 0;
  const queues = new Map<string, TopologyQueue>();
  for (const role of roles) {
    for (const f of role.consumes) {
      let messages = 0;
      for (const name of f.queues) messages += enqueued(name);
      queues.set(f.label, {
        name: f.label,
        type: f.queues.length > 1 ? `×${f.queues.length}` : "",
        messages,
      });
    }
  }
  const queueNames = [...new Set([...Object.keys(r.summary.queues), ...declaredQueue.keys()])].sort(byName);
  for (const name of queueNames) {
    if (queueFamily.has(name)) continue;
    queues.set(name, { name, type: declaredQueue.get(name)?.type ?? "", messages: enqueued(name) });
  }
  const outQueues = [...queues.values()];

  // exchanges: the families' (a fanout nobody sent to is not in the summary), the summary's and
  // the scenario's; per-queue reply exchanges folded like their queues
  const declaredExchange = new Map(t.exchanges.map((d) => [d.name, d]));
  const exchanges = new Map<string, { name: string; type: string; members: Set<string>; messages: number }>();
  const addExchange = (name: string, messages: number): void => {
    const label = x(name);
    const e = exchanges.get(label);
    if (e === undefined) {
      const type =
        declaredExchange.get(name)?.type ?? exchangeType.get(label) ?? (name === "" ? "direct" : "");
      exchanges.set(label, { name: label, type, members: new Set([name]), messages });
    } else {
      e.members.add(name);
      e.messages += messages;
    }
  };
  for (const role of roles)
    for (const f of role.consumes) if (f.exchange !== f.label) addExchange(f.exchange, 0);
  const exchangeNames = [...new Set([...Object.keys(r.summary.exchanges), ...declaredExchange.keys()])].sort(
    byName,
  );
  for (const name of exchangeNames) {
    addExchange(name, r.summary.exchanges[name]?.published ?? declaredExchange.get(name)?.messages ?? 0);
  }
  const outExchanges: TopologyExchange[] = [...exchanges.values()].map((e) => ({
    name: e.name,
    type: e.members.size > 1 ? `${e.type} ×${e.members.size}` : e.type,
    messages: e.messages,
  }));

  // bindings: declared and seen while routing, folded by family; a queue's own name as key
  // (`compute.compute-7`, `reply_compute-7`) becomes the family's key label
  const bindings = new Map<string, TopologyBinding & { messages: number; implicit: boolean }>();
  const addBinding = (b: TopologyBinding): void => {
    const fam = b.destinationKind === "queue" ? queueFamily.get(b.destination) : undefined;
    const source = x(b.source);
    const destination = b.destinationKind === "queue" ? q(b.destination) : x(b.destination);
    const key = fam !== undefined && b.key === b.destination ? fam.key : b.key;
    const id = `${source}\u0000${destination}\u0000${b.destinationKind}\u0000${key}`;
    const e = bindings.get(id);
    if (e === undefined) {
      bindings.set(id, {
        source,
        destination,
        destinationKind: b.destinationKind,
        key,
        implicit: b.implicit === true,
        messages: b.messages ?? 0,
      });
    } else {
      e.messages += b.messages ?? 0;
      e.implicit = e.implicit && b.implicit === true;
    }
  };
  for (const b of t.bindings) addBinding(b);
  // bindings the processes declared that never matched (a fanout nobody sent to) are drawn dashed
  for (const role of roles) {
    for (const f of role.consumes) {
      const id = `${x(f.exchange)}\u0000${f.label}\u0000queue\u0000${f.key}`;
      if (!bindings.has(id))
        bindings.set(id, {
          source: x(f.exchange),
          destination: f.label,
          destinationKind: "queue",
          key: f.key,
          implicit: f.exchange === "",
          messages: 0,
        });
    }
  }
  const outBindings: TopologyBinding[] = [...bindings.entries()]
    .sort((a, b) => byName(a[0], b[0]))
    .map(([, { implicit, ...b }]) => (implicit ? { ...b, implicit: true } : b));

  // producers and consumers: the scenario's, then one per role (several entries of one role are
  // drawn as one box with an edge per exchange or queue family)
  const producers: TopologyProducer[] = [...t.producers];
  const consumers: TopologyConsumer[] = [...t.consumers];
  for (const role of roles) {
    for (const [exchange, n] of Object.entries(role.published)) {
      producers.push({ name: role.name, count: role.processes, exchange: x(exchange), messages: n });
    }
    for (const f of role.consumes) {
      consumers.push({
        name: role.name,
        queue: f.label,
        count: role.processes,
        // rabbit_qos_prefetch_count 0 means unlimited: shown as nothing rather than "prefetch 0"
        ...(role.prefetch > 0 ? { prefetch: role.prefetch } : {}),
        messages: f.delivered,
      });
    }
  }
  return { exchanges: outExchanges, queues: outQueues, bindings: outBindings, producers, consumers };
}
