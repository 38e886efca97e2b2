import { Broker } from "../amqp/broker.js";
import type { AmqpError } from "../amqp/errors.js";
import { BrokerSignals } from "../amqp/signals.js";
import { SimConsumer } from "../clients/consumer.js";
import type { ClientContext } from "../clients/context.js";
import { Producer, type ProducerConfig } from "../clients/producer.js";
import { describeRate, type RateShape } from "../clients/rate-profile.js";
import type { KeySource } from "../clients/routing-key.js";
import { ClusterRuntime } from "../cluster/cluster-runtime.js";
import { FreeRuntime } from "../cluster/free-runtime.js";
import {
  heartbeatDetection,
  negotiateHeartbeat,
  type ReconnectPolicy,
  SERVER_HEARTBEAT_SECONDS,
} from "../cluster/reconnect.js";
import type { BrokerRuntime } from "../cluster/runtime.js";
import { RandomStreams } from "../engine/random.js";
import { Simulator } from "../engine/simulator.js";
import type { Nanoseconds } from "../engine/time.js";
import { ClientSignals } from "../metrics/consumer-activity.js";
import type { Topology, TopologyExchange } from "../metrics/result.js";
import { ClientLatency } from "./client-latency.js";
import { consumerTopology, producerTopology } from "./client-topology.js";
import { WORLD_EXTENSIONS } from "./extensions.js";
import type { Scenario } from "./load.js";
import { toClusterConfig } from "./schema/cluster.js";
import { PREDECLARED_EXCHANGES } from "./schema/references.js";
import type { ConsumerSpec, ProducerSpec } from "./schema/scenario.js";
import { effectivePolicy, queueArguments, withPolicy } from "./topology-args.js";

/** Everything a run needs: the engine, the broker, the clients and the declared topology. */
export interface World {
  readonly scenario: Scenario;
  readonly seed: number;
  readonly sim: Simulator;
  readonly streams: RandomStreams;
  readonly runtime: BrokerRuntime;
  readonly broker: Broker;
  readonly signals: BrokerSignals;
  readonly clientSignals: ClientSignals;
  /** Publish to handler-start latency per consumer / producer group. */
  readonly clientLatency: ClientLatency;
  readonly producers: readonly Producer[];
  readonly consumers: readonly SimConsumer[];
  readonly topology: Topology;
  /** Scheduled end of the run (the scenario's duration), ns. */
  readonly end: Nanoseconds;
  /**
   * Declares the topology through an admin connection per vhost (real AMQP methods, in
   * simulated time), then starts the clients; `onError` gets the first declaration error.
   */
  start(onError: (message: string) => void): void;
}

/** Thrown when a world cannot be built or its topology cannot be declared. */
export class RunError extends Error {
  override readonly name = "RunError";
}

/** Builds the world for a validated scenario. `seed` overrides the scenario's seed. */
export function buildWorld(scenario: Scenario, opts: { seed?: number } = {}): World {
  const seed = opts.seed ?? scenario.seed;
  const sim = new Simulator();
  const streams = new RandomStreams(seed);
  const signals = new BrokerSignals();
  const clientSignals = new ClientSignals();
  let runtime: BrokerRuntime | undefined;
  for (const ext of WORLD_EXTENSIONS) {
    runtime = ext.runtime?.(scenario, sim, streams);
    if (runtime) break;
  }
  if (!runtime) {
    runtime = scenario.cluster
      ? new ClusterRuntime(
          sim,
          streams,
          toClusterConfig(scenario.cluster, scenario.network, scenario.broker.version),
        )
      : new FreeRuntime(sim);
  }
  const broker = new Broker(sim, { runtime, version: scenario.broker.version, signals });
  for (const v of scenario.vhosts) broker.vhost(v);
  const end = scenario.duration;
  const clientLatency = new ClientLatency();
  const ctx: ClientContext = {
    sim,
    broker,
    streams,
    activity: clientSignals.consumerActivity,
    onHandlerStart: (c, p, latency) => clientLatency.record(c, p, latency),
    end,
  };
  const nodes = runtime.nodes;
  const producers = scenario.producers.flatMap((p) => {
    const cfg = producerConfig(scenario, p, nodes);
    return Array.from({ length: p.count }, (_, i) => new Producer(ctx, cfg, i));
  });
  const consumers = scenario.consumers.flatMap((c) =>
    Array.from({ length: c.count }, (_, i) => new SimConsumer(ctx, consumerConfig(scenario, c, nodes), i)),
  );
  const world: World = {
    scenario,
    seed,
    sim,
    streams,
    runtime,
    broker,
    signals,
    clientSignals,
    clientLatency,
    producers,
    consumers,
    topology: topologyOf(scenario, broker),
    end,
    start: (onError) => declareAndStart(world, onError),
  };
  for (const ext of WORLD_EXTENSIONS) ext.build?.(world);
  return world;
}

function rateShape(p: ProducerSpec): RateShape {
  if (p.rate !== undefined) return { kind: "constant", rate: p.rate };
  if (p.ramp) return { kind: "ramp", from: p.ramp.from, to: p.ramp.to, over: p.ramp.over };
  if (p.schedule) return { kind: "schedule", steps: p.schedule };
  if (p.bursts) return { kind: "bursts", size: p.bursts.size, every: p.bursts.every };
  return { kind: "asap" };
}

function keySource(p: ProducerSpec): KeySource {
  const rk = p.routingKeys;
  if (Array.isArray(rk)) return { kind: "choice", keys: rk };
  if (rk) return { kind: "choice", keys: Object.keys(rk), weights: Object.values(rk) };
  return { kind: "template", template: p.routingKey ?? "" };
}

/** The client's reconnect policy with its failover list resolved (default: every node). */
function reconnectPolicy(
  r: ConsumerSpec["reconnect"],
  nodes: readonly string[],
): ReconnectPolicy | undefined {
  if (r === undefined) return undefined;
  return {
    nodes: r.nodes ?? nodes,
    initialDelay: r.initialDelay,
    multiplier: r.multiplier,
    maxDelay: r.maxDelay,
    jitter: r.jitter,
  };
}

/** The heartbeat timeout a client negotiates with the broker, ns (Infinity: heartbeats off). */
function heartbeatTimeout(client: Nanoseconds): Nanoseconds {
  return heartbeatDetection(negotiateHeartbeat(client / 1e9, SERVER_HEARTBEAT_SECONDS));
}

function producerConfig(s: Scenario, p: ProducerSpec, nodes: readonly string[]): ProducerConfig {
  return {
    name: p.name,
    count: p.count,
    vhost: p.vhost,
    exchange: p.exchange,
    keys: keySource(p),
    shape: rateShape(p),
    arrivals: p.arrivals,
    messages: p.messages,
    size: p.size,
    headers: p.headers,
    persistent: p.persistent,
    priority: p.priority,
    expiration: p.expiration,
    mandatory: p.mandatory,
    confirms: p.confirms,
    batch: p.batch,
    rpc: p.rpc,
    reconnect: reconnectPolicy(p.reconnect, nodes),
    ...(p.reconnect === undefined
      ? {}
      : {
          buffer: p.reconnect.buffer,
          topology: producerTopology(s, p),
          heartbeat: heartbeatTimeout(p.reconnect.heartbeat),
        }),
    start: p.start,
    stop: p.stop,
  };
}

function consumerConfig(s: Scenario, c: ConsumerSpec, nodes: readonly string[]) {
  return {
    name: c.name,
    count: c.count,
    vhost: c.vhost,
    queue: c.queue,
    prefetch: c.prefetch,
    autoAck: c.ack === "auto",
    processing: c.processing,
    nack: c.nack,
    reject: c.reject,
    crash: c.crash,
    priority: c.priority,
    exclusive: c.exclusive,
    reply: c.reply,
    reconnect: reconnectPolicy(c.reconnect, nodes),
    ...(c.reconnect === undefined
      ? {}
      : { topology: consumerTopology(s, c), heartbeat: heartbeatTimeout(c.reconnect.heartbeat) }),
    start: c.start,
    stop: c.stop,
  };
}

/** The declared topology, named as the broker names entities in signals. */
function topologyOf(s: Scenario, broker: Broker): Topology {
  const key = (vhost: string, name: string) => broker.entityKey(vhost, name);
  const exchanges: TopologyExchange[] = s.exchanges.map((x) => {
    const ae =
      x.alternateExchange ??
      effectivePolicy(s.policies, x.vhost, x.name, "exchanges")?.definition["alternate-exchange"];
    return {
      name: key(x.vhost, x.name),
      type: x.type,
      durable: x.durable,
      internal: x.internal,
      ...(ae === undefined ? {} : { alternateExchange: key(x.vhost, ae) }),
    };
  });
  // pre-declared exchanges that the scenario uses appear too, so the diagram has every source
  const used = new Set<string>();
  for (const b of s.bindings)
    if (b.exchange in PREDECLARED_EXCHANGES) used.add(`${b.vhost}\u0000${b.exchange}`);
  for (const p of s.producers) used.add(`${p.vhost}\u0000${p.exchange}`);
  for (const u of [...used].sort()) {
    const [vhost, name] = u.split("\u0000") as [string, string];
    const type = name === "" ? "direct" : PREDECLARED_EXCHANGES[name];
    if (type !== undefined)
      exchanges.push({
        name: key(vhost, name === "" ? "(default)" : name),
        type,
        durable: true,
        internal: false,
      });
  }
  return {
    exchanges,
    queues: s.queues.map((q) => {
      const args = withPolicy(queueArguments(q), effectivePolicy(s.policies, q.vhost, q.name, "queues"));
      const type = typeof args["x-queue-type"] === "string" ? (args["x-queue-type"] as string) : "classic";
      const plain: Record<string, string | number | boolean> = {};
      for (const [k, v] of Object.entries(args))
        if (typeof v !== "object") plain[k] = v as string | number | boolean;
      return { name: key(q.vhost, q.name), type, durable: q.durable, arguments: plain };
    }),
    bindings: s.bindings.flatMap((b) =>
      (b.keys ?? [b.key ?? ""]).map((k) => ({
        source: key(b.vhost, b.exchange),
        destination: key(b.vhost, b.queue ?? b.destinationExchange ?? ""),
        destinationKind: b.queue !== undefined ? ("queue" as const) : ("exchange" as const),
        key: k,
        ...(b.arguments ? { arguments: b.arguments } : {}),
      })),
    ),
    producers: s.producers.map((p) => ({
      name: p.name,
      count: p.count,
      exchange: key(p.vhost, p.exchange === "" ? "(default)" : p.exchange),
      rate: describeRate(rateShape(p), p.arrivals),
    })),
    consumers: s.consumers.map((c) => ({
      name: c.name,
      queue: key(c.vhost, c.queue),
      count: c.count,
      prefetch: c.prefetch,
      autoAck: c.ack === "auto",
    })),
  };
}

function declareAndStart(world: World, onError: (message: string) => void): void {
  const s = world.scenario;
  const { broker } = world;
  let pending = 0;
  let failed = false;
  const done = (what: string) => (err: AmqpError | null) => {
    pending--;
    if (err && !failed) {
      failed = true;
      onError(`declaring ${what}: ${err.message}`);
    }
    if (pending === 0 && !failed) startClients(world);
  };
  const channels = new Map<string, ReturnType<ReturnType<Broker["connect"]>["createChannel"]>>();
  const channel = (vhost: string) => {
    let ch = channels.get(vhost);
    if (!ch) {
      ch = broker
        .connect({ name: `amqpsim-setup${vhost === "/" ? "" : `-${vhost}`}`, vhost })
        .createChannel();
      channels.set(vhost, ch);
    }
    return ch;
  };
  const calls: (() => void)[] = [];
  for (const x of s.exchanges) {
    const policy = effectivePolicy(s.policies, x.vhost, x.name, "exchanges");
    const ae = x.alternateExchange ?? policy?.definition["alternate-exchange"];
    calls.push(() =>
      channel(x.vhost).assertExchange(
        x.name,
        x.type,
        {
          durable: x.durable,
          autoDelete: x.autoDelete,
          internal: x.internal,
          ...(ae === undefined ? {} : { alternateExchange: ae }),
        },
        done(`exchange "${x.name}"`),
      ),
    );
  }
  for (const q of s.queues) {
    const args = withPolicy(queueArguments(q), effectivePolicy(s.policies, q.vhost, q.name, "queues"));
    calls.push(() =>
      channel(q.vhost).assertQueue(
        q.name,
        { durable: q.durable, exclusive: q.exclusive, autoDelete: q.autoDelete, arguments: args },
        done(`queue "${q.name}"`),
      ),
    );
  }
  for (const b of s.bindings) {
    for (const k of b.keys ?? [b.key ?? ""]) {
      const args = b.arguments ?? {};
      if (b.queue !== undefined) {
        const q = b.queue;
        calls.push(() =>
          channel(b.vhost).bindQueue(q, b.exchange, k, args, done(`binding ${b.exchange} -> ${q}`)),
        );
      } else if (b.destinationExchange !== undefined) {
        const d = b.destinationExchange;
        calls.push(() =>
          channel(b.vhost).bindExchange(d, b.exchange, k, args, done(`binding ${b.exchange} -> ${d}`)),
        );
      }
    }
  }
  pending = calls.length;
  if (pending === 0) {
    startClients(world);
    return;
  }
  for (const call of calls) call();
}

function startClients(world: World): void {
  const now = world.sim.now;
  for (const c of world.consumers) c.schedule(now);
  for (const p of world.producers) p.schedule(now);
}
