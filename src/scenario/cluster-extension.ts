import type { Queue } from "../amqp/queue.js";
import type { HaPolicy } from "../amqp/replicated/mirrored.js";
import { NodeFailureHandler } from "../amqp/replicated/node-failure.js";
import { ClusterRuntime } from "../cluster/cluster-runtime.js";
import type { NodeMemory } from "../cluster/memory.js";
import { type ClientControl, forwardClusterMarkers } from "../faults/index.js";
import type { JsonValue } from "../metrics/result.js";
import { SmallIntMap } from "../metrics/small-int-map.js";
import type { WorldExtension } from "./extensions.js";
import { buildFaults } from "./schema/faults.js";
import { effectivePolicy } from "./topology-args.js";
import { RunError, type World } from "./world.js";

interface ClusterState {
  readonly runtime: ClusterRuntime;
  readonly failures: NodeFailureHandler;
  blockedSeconds: number;
  /** When the current block began, or -1. */
  blockedSince: number;
}

const states = new WeakMap<World, ClusterState>();

/**
 * The bodies one queue holds on its node's memory account, by msgId, from enqueue until the copy's
 * fate. Most queues hold a message or two at a time (reply and per-host queues): SmallIntMap keeps
 * those in two short arrays.
 */
class HeldCopies {
  private readonly bytes = new SmallIntMap();
  /** The node whose account the last enqueue charged (a queue's leader may move). */
  private node = "";
  private nodeMemory: NodeMemory | null = null;
  constructor(
    private readonly rt: ClusterRuntime,
    /** Releases go to the node of the queue's first enqueue. */
    private readonly home: NodeMemory,
  ) {}

  /** Count `bytes` for copy `msgId` on `node` (a second enqueue of the same msgId replaces its size). */
  add(msgId: number, bytes: number, node: string): void {
    this.bytes.set(msgId, bytes);
    if (node !== this.node || this.nodeMemory === null) {
      this.node = node;
      this.nodeMemory = this.rt.memoryOf(node);
    }
    this.nodeMemory.hold(bytes);
  }

  /** Release copy `msgId`'s bytes if this queue holds it. */
  remove(msgId: number): void {
    const bytes = this.bytes.take(msgId);
    if (bytes !== undefined) this.home.release(bytes);
  }
}

/** Connection names of a client group or instance ("pub" matches pub, pub-0, pub-1 ...). */
function matches(conn: string, client: string): boolean {
  return conn === client || (conn.startsWith(`${client}-`) && /^\d+$/.test(conn.slice(client.length + 1)));
}

/**
 * The ha-* keys of the policy applying to a queue, for classic mirrored queues. Mirroring was
 * removed in RabbitMQ 4.0: from that version the keys are ignored (docs: "Classic Queue Mirroring").
 */
function haPolicyOf(world: World): (q: Queue) => HaPolicy | undefined {
  const s = world.scenario;
  if (Number.parseInt(s.broker.version, 10) >= 4) return () => undefined;
  return (q) => {
    const d = effectivePolicy(s.policies, q.vhost.name, q.name, "queues")?.definition;
    const mode = d?.["ha-mode"];
    if (d === undefined || mode === undefined) return undefined;
    const params = d["ha-params"];
    const policy: HaPolicy = { mode, syncMode: d["ha-sync-mode"] ?? "manual" };
    return params === undefined ? policy : { ...policy, params };
  };
}

/**
 * cluster.placement: clients connect to their named node, queues run on theirs. The broker's connect() takes a node;
 * the clients do not pass one, so the extension fills it in from the placement map (an instance
 * name "worker-2" falls back to its group "worker").
 */
function placeConnections(world: World, rt: ClusterRuntime): void {
  const placement = world.scenario.cluster?.placement ?? {};
  if (Object.keys(placement).length === 0) return;
  // A placed queue's process runs on its node (its key as src/amqp/queue.ts names it), although
  // the setup connection that declares it is on the first node.
  for (const q of world.scenario.queues) {
    const node = placement[q.name];
    if (node !== undefined) rt.relocate(`queue:${q.vhost}/${q.name}`, node);
  }
  const broker = world.broker;
  const connect = broker.connect.bind(broker);
  broker.connect = (options) => {
    if (options.node !== undefined) return connect(options);
    const group = options.name.replace(/-\d+$/, "");
    const node = placement[options.name] ?? placement[group];
    return connect(node === undefined ? options : { ...options, node });
  };
}

/**
 * Wires the costed cluster into a world (issue 5): node failures reach the AMQP model, resource
 * alarms block publishing connections, cluster events become report markers, and the scenario's
 * faults are installed as objects that schedule their own events. Adds a `cluster` section to the
 * result (per node: CPU time and utilisation, disk writes; time publishers spent blocked).
 */
export const clusterExtension: WorldExtension = {
  name: "cluster",
  build(world) {
    const rt = world.runtime;
    const faults = buildFaults(world.scenario.faults);
    const clients: ClientControl = {
      killConnection: (client) => {
        for (const c of [...world.broker.connections])
          if (matches(c.name, client)) c.lose("killed by a fault");
      },
      stallConsumer: (client, until) => {
        if (!(rt instanceof ClusterRuntime)) return;
        for (const c of world.broker.connections) if (matches(c.name, client)) rt.freezeClient(c.name, until);
      },
    };
    if (!(rt instanceof ClusterRuntime)) {
      // validation requires a cluster: section for faults; the free broker cannot fail
      if (faults.length > 0)
        throw new RunError("faults need a cluster: section (the free broker cannot fail)");
      return;
    }
    placeConnections(world, rt);
    const failures = new NodeFailureHandler(world.broker, rt, haPolicyOf(world));
    const state: ClusterState = { runtime: rt, failures, blockedSeconds: 0, blockedSince: -1 };
    states.set(world, state);
    rt.setClientCounter((node) => failures.connectionsOn(node));
    forwardClusterMarkers(rt, world.signals);
    // Memory: a copy's body counts on its queue's node from enqueue until its fate (acked, dropped,
    // lost ...), unacked deliveries included (docs/memory-use.md: queues hold message bodies).
    // (the last queue looked up is kept: a queue's signals often come one after another)
    const held = new Map<string, HeldCopies>();
    let lastQueue: string | null = null;
    let lastHeld: HeldCopies | undefined;
    world.signals.enqueued.subscribe((e) => {
      let h = e.queue === lastQueue ? lastHeld : held.get(e.queue);
      if (h === undefined) {
        h = new HeldCopies(rt, rt.memoryOf(e.node));
        held.set(e.queue, h);
      }
      lastQueue = e.queue;
      lastHeld = h;
      h.add(e.msgId, e.bytes, e.node);
    });
    world.signals.fate.subscribe((f) => {
      if (f.queue === null) return;
      const h = f.queue === lastQueue ? lastHeld : held.get(f.queue);
      if (h === undefined) return;
      lastQueue = f.queue;
      lastHeld = h;
      h.remove(f.msgId);
    });
    // Resource alarms (docs/alarms.md): every connection that has published stops being read
    // until all alarms clear; consumers go on.
    const publishers = new Set<string>();
    world.signals.published.subscribe((p) => publishers.add(p.publisher));
    let blocked: string[] = [];
    rt.onAlarm((on) => {
      if (on) {
        blocked = [...publishers].sort();
        for (const p of blocked) rt.blockClient(p, true);
        if (blocked.length > 0) state.blockedSince = world.sim.now;
        if (world.signals.marker.active && blocked.length > 0) {
          world.signals.marker.emit({
            time: world.sim.now,
            kind: "connection-blocked",
            label: `connection.blocked: ${blocked.length} publishing connection(s)`,
          });
        }
      } else {
        for (const p of blocked) rt.blockClient(p, false);
        if (state.blockedSince >= 0) state.blockedSeconds += (world.sim.now - state.blockedSince) / 1e9;
        state.blockedSince = -1;
        blocked = [];
      }
    });
    for (const f of faults) f.install({ sim: world.sim, cluster: rt, signals: world.signals, clients });
  },
  finish(world, result) {
    const state = states.get(world);
    if (state === undefined) return undefined;
    const rt = state.runtime;
    const elapsed = world.sim.now / 1e9;
    const blockedSeconds =
      state.blockedSeconds + (state.blockedSince >= 0 ? (world.sim.now - state.blockedSince) / 1e9 : 0);
    const nodes: Record<string, JsonValue> = {};
    for (const spec of rt.config.nodes) {
      const cpu = rt.cpuTime(spec.name) / 1e9;
      const disk = rt.diskStats(spec.name);
      nodes[spec.name] = {
        cores: spec.cores,
        cpuSeconds: cpu,
        cpuUtilisation: elapsed > 0 ? cpu / (spec.cores * elapsed) : 0,
        diskBytesWritten: disk.bytesWritten,
        fsyncs: disk.syncs,
        state: rt.state(spec.name),
      };
    }
    return {
      extensions: {
        ...(result.extensions ?? {}),
        cluster: {
          nodes,
          partitionHandling: rt.config.partitionHandling,
          publishersBlockedSeconds: blockedSeconds,
          awaitingRecovery: state.failures.awaitingRecovery(),
        },
      },
    };
  },
};
