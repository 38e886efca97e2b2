import { Fifo } from "../engine/fifo.js";
import type { RandomStreams } from "../engine/random.js";
import { Signal } from "../engine/signal.js";
import type { Action, Simulator } from "../engine/simulator.js";
import type { Nanoseconds } from "../engine/time.js";
import type { ClusterConfig } from "./config.js";
import { opCost } from "./costs.js";
import { type ErlangProcess, NodeCpu, type RunningOn } from "./cpu.js";
import { Disk } from "./disk.js";
import { NodeMemory } from "./memory.js";
import { endpointKey, type Link, type LinkOverride, Network } from "./network.js";
import type {
  AlarmListener,
  BrokerOp,
  BrokerRuntime,
  Endpoint,
  NodeListener,
  OpSize,
  ProcessRef,
} from "./runtime.js";

export type NodeState = "up" | "down" | "paused";

/** Bytes of an Erlang distribution message beyond the body it carries (header, term encoding). */
const INTER_NODE_OVERHEAD = 64;
/** Why a node went down: crash (uncontrolled), stop (graceful), pause (partition handling), autoheal. */
export type DownCause = "crash" | "stop" | "pause" | "autoheal";

/** Something the cluster did, for markers on the report's time axes (faults forward these). */
export interface ClusterEvent {
  readonly time: Nanoseconds;
  readonly kind: string;
  readonly label: string;
  readonly until?: Nanoseconds;
}

/** Partition information given to heal listeners (replicated queues resolve split brain here). */
export interface HealInfo {
  readonly groups: readonly (readonly string[])[];
  /** Nodes whose changes since the partition are discarded (autoheal losers), or [] (ignore). */
  readonly losers: readonly string[];
}

class BrokerNode {
  state: NodeState = "up";
  /** Links to the other nodes by their index in the cluster, made on first use (see hop()). */
  readonly routes: (NodeRoute | undefined)[] = [];
  /** Incremented whenever the node goes down: transfers and syncs from an older epoch are void. */
  epoch = 0;
  downCause: DownCause | null = null;
  /** Persistent writes at or before this time survived the last time the node went down. */
  durableCutoff = -1;
  constructor(
    readonly name: string,
    /** Position in the cluster's node list. */
    readonly index: number,
    readonly cpu: NodeCpu,
    readonly disk: Disk,
    readonly memory: NodeMemory,
  ) {}
}

/** The directed node-to-node link of one pair of nodes, with its endpoint keys. */
interface NodeRoute {
  readonly link: Link;
  readonly fromKey: string;
  readonly toKey: string;
}

/** A frame waiting at a held end (a blocked or frozen client) to be sent. */
interface HeldFrame {
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly bytes: number;
  readonly action: Action<unknown>;
  readonly arg: unknown;
}

interface Transfer {
  action: Action<unknown>;
  arg: unknown;
  fromKey: string;
  /** The sending endpoint's name (fromKey without its "c:" / "n:" prefix). */
  fromName: string;
  toKey: string;
  from: BrokerNode | undefined;
  to: BrokerNode | undefined;
  fromEpoch: number;
  toEpoch: number;
}

/** Work for a process on another node, crossing the node-to-node link first (see work()). */
interface HoppingWork {
  readonly rt: ClusterRuntime;
  readonly proc: ProcessRef;
  readonly op: BrokerOp;
  readonly size: OpSize;
  readonly action: Action<unknown>;
  readonly arg: unknown;
}
const hoppedWork = (w: HoppingWork): void => w.rt.work(w.proc, w.op, w.size, w.action, w.arg);

/**
 * What send() needs to know about an endpoint, looked up once per endpoint object and kept in its
 * `net` slot (connections keep their endpoints for life): its network key, its broker node (nodes are never added or removed), and
 * the last endpoint it sent to with that link (a connection's two ends only talk to each other).
 */
interface EndpointInfo {
  /** The runtime that made it (an endpoint object could be handed to two runtimes). */
  readonly owner: ClusterRuntime;
  readonly key: string;
  readonly node: BrokerNode | undefined;
  lastTo: Endpoint | null;
  lastToInfo: EndpointInfo | null;
  /** The link to lastTo, once a frame has used it. */
  lastLink: Link | null;
}

/**
 * The costed runtime: nodes with cores, one Erlang process per queue / channel / connection, disks
 * with batched fsync, memory against the high watermark, network links with latency, bandwidth
 * and loss, partitions with RabbitMQ's partition-handling modes, crash / stop / start.
 *
 * Everything a node was doing is void once it goes down: queued CPU work is dropped, unsynced disk
 * writes never complete, frames to or from it that were in flight never arrive.
 */
export class ClusterRuntime implements BrokerRuntime {
  readonly nodes: readonly string[];
  /** Cluster events (node down / up, partition, heal, alarm): subscribe to draw markers. */
  readonly events = new Signal<ClusterEvent>();
  private readonly byName = new Map<string, BrokerNode>();
  /** The same nodes in cluster order (see find()). */
  private readonly nodeList: BrokerNode[] = [];
  /** One endpoint object per node: the network caches keys per endpoint object, so reuse them. */
  private readonly nodeEndpoints = new Map<string, Endpoint>();
  private readonly network: Network;
  private readonly downListeners: NodeListener[] = [];
  private readonly upListeners: NodeListener[] = [];
  private readonly alarmListeners: AlarmListener[] = [];
  private readonly healListeners: ((info: HealInfo) => void)[] = [];
  private readonly partitionListeners: ((groups: readonly (readonly string[])[]) => void)[] = [];
  private readonly alarms = new Set<string>();
  private groups: readonly (readonly string[])[] | null = null;
  private partitionEpoch = 0;
  private clientCounter: (node: string) => number = () => 0;
  /** Processes with no node to run on (a leaderless quorum queue): their work waits here. */
  private readonly suspended = new Map<
    string,
    {
      proc: ProcessRef;
      op: BrokerOp;
      size: OpSize;
      action: Action<unknown>;
      arg: unknown;
      /** The node that handed the work over: it still has to cross the link from there. */
      from: string | null;
    }[]
  >();
  /** Processes that moved to another node (a replicated queue's new leader): key -> node. */
  private readonly moved = new Map<string, string>();
  /** The node whose code is running now (null: a client, a timer, or between events). */
  private readonly running: RunningOn = { node: null, proc: null, client: null };
  /** Clients whose outgoing frames the broker does not read (connection.blocked, frozen client). */
  private readonly holdFrom = new Map<string, number>();
  /** Clients that read nothing (a frozen process): frames to them wait in the socket buffer. */
  private readonly holdTo = new Map<string, number>();
  /**
   * Frames from a blocked client that reached its node but are not read yet (its socket buffer),
   * per client key, in arrival order.
   */
  private readonly unread = new Map<string, Fifo<Transfer>>();
  /** Clients whose unread frames a drain event is about to read. */
  private readonly draining = new Set<string>();
  /** Frames not sent because one end was held, per the key that held them, in send order. */
  private readonly heldFrames = new Map<string, Fifo<HeldFrame>>();

  constructor(
    private readonly sim: Simulator,
    random: RandomStreams,
    readonly config: ClusterConfig,
  ) {
    if (config.nodes.length === 0) throw new RangeError("a cluster needs at least one node");
    this.nodes = config.nodes.map((n) => n.name);
    this.network = new Network(random, config.clientLink, config.nodeLink);
    for (const spec of config.nodes) {
      const memory = new NodeMemory(
        { ...config.memory, ...spec.memory },
        (on) => this.setAlarm(`memory:${spec.name}`, on),
        (interval, poll) => {
          const tick = () => {
            poll();
            sim.schedule(interval, tick);
          };
          sim.schedule(interval, tick);
        },
      );
      const node = new BrokerNode(
        spec.name,
        this.nodeList.length,
        new NodeCpu(sim, spec.name, spec.cores, config.creditLimit, this.running, (c) =>
          this.blockClient(c, false),
        ),
        new Disk(sim, { ...config.disk, ...spec.disk }, (run) => {
          const r = this.running;
          const outer = { node: r.node, proc: r.proc, client: r.client };
          r.node = spec.name;
          r.proc = null;
          r.client = null;
          run();
          Object.assign(r, outer);
        }),
        memory,
      );
      node.cpu.holdClient = (c) => this.blockClient(c, true);
      this.byName.set(spec.name, node);
      this.nodeList.push(node);
    }
    for (const l of config.links) this.overrideLink(l.between[0], l.between[1], l.override);
  }

  // ---- BrokerRuntime --------------------------------------------------------------------------

  /**
   * Work for a process on another node than the code running now (a channel on rabbit-1 handing
   * a message to a queue on rabbit-2) first crosses the node-to-node link: an Erlang message over
   * the distribution connection, subject to its latency, bandwidth and partitions.
   */
  work<A>(proc: ProcessRef, op: BrokerOp, size: OpSize, action: Action<A>, arg: A): void {
    if (this.suspended.size > 0) {
      const waiting = this.suspended.get(proc.key);
      if (waiting !== undefined) {
        waiting.push({ proc, op, size, action: action as Action<unknown>, arg, from: this.running.node });
        return;
      }
    }
    const target = this.moved.size > 0 ? (this.moved.get(proc.key) ?? proc.node) : proc.node;
    const node = this.find(target);
    if (node === undefined) throw new Error(`work on unknown node '${target}'`);
    if (node.state !== "up") return;
    const here = this.running.node;
    if (here !== null && here !== target) {
      const w: HoppingWork = { rt: this, proc, op, size, action: action as Action<unknown>, arg };
      this.hop(here, node, size.bytes ?? 0, hoppedWork, w);
      return;
    }
    const cpu = node.cpu;
    let p = proc.cpuProcess as ErlangProcess | undefined;
    if (p === undefined || p.cpu !== cpu || p.dead) {
      p = cpu.process(proc.key); // first use, moved to another node, or the node restarted
      proc.cpuProcess = p;
    }
    cpu.submitTo(p, opCost(this.config.costs, op, size), action, arg);
    // the publishing path is credit-flow controlled: reader -> channel (route) -> queue (enqueue)
    if (op === "enqueue" || op === "route") cpu.withholdCredit(p);
  }

  /**
   * Run action(arg) once `proc`'s mailbox is empty (see NodeCpu.whenIdle): how a process that
   * batches outgoing work (a quorum leader's append_entries) knows its batch is complete.
   */
  whenIdle<A>(proc: ProcessRef, action: Action<A>, arg: A): void {
    const target = this.moved.size > 0 ? (this.moved.get(proc.key) ?? proc.node) : proc.node;
    const node = this.find(target);
    if (node === undefined || node.state !== "up") action(arg);
    else node.cpu.whenIdle(proc.key, action, arg);
  }

  /**
   * Carry an inter-node Erlang message from `from` to `to`, then run action(arg) on `to`: send()
   * between the two nodes' endpoints, with the pair's link looked up once (a hop is about one
   * frame in eight of a run, and the generic endpoint lookups were a visible share of its cost).
   */
  private hop<A>(from: string, to: BrokerNode, bytes: number, action: Action<A>, arg: A): void {
    const f = this.find(from);
    if (f === undefined) throw new Error(`hop from unknown node '${from}'`);
    if (f.state !== "up" || to.state !== "up") return;
    let route = f.routes[to.index];
    if (route === undefined) {
      const fromKey = endpointKey(this.nodeEndpoint(from));
      const toKey = endpointKey(this.nodeEndpoint(to.name));
      route = { link: this.network.link(fromKey, toKey), fromKey, toKey };
      f.routes[to.index] = route;
    }
    // node keys are never held (only clients are blocked or frozen)
    if (this.network.cut(route.fromKey, route.toKey)) return;
    this.transmit(
      route.link,
      route.fromKey,
      from,
      route.toKey,
      f,
      to,
      INTER_NODE_OVERHEAD + bytes,
      action,
      arg,
    );
  }

  /** The (shared, long-lived) endpoint of a broker node, for node-to-node sends. */
  nodeEndpoint(name: string): Endpoint {
    let e = this.nodeEndpoints.get(name);
    if (e === undefined) {
      e = { kind: "node", name, net: undefined };
      this.nodeEndpoints.set(name, e);
    }
    return e;
  }

  send<A>(from: Endpoint, to: Endpoint, bytes: number, action: Action<A>, arg: A): void {
    const here = this.running.node;
    if (here !== null && from.kind === "node" && from.name !== here) {
      // e.g. a queue on rabbit-2 delivering through a channel whose connection is on rabbit-1
      const via = this.find(from.name);
      if (via === undefined || via.state !== "up") return;
      this.hop(here, via, bytes, () => this.send(from, to, bytes, action, arg), undefined);
      return;
    }
    const fi = this.info(from);
    let ti: EndpointInfo;
    if (fi.lastTo === to) ti = fi.lastToInfo!;
    else {
      ti = this.info(to);
      fi.lastTo = to;
      fi.lastToInfo = ti;
      fi.lastLink = null;
    }
    const fromNode = fi.node;
    const toNode = ti.node;
    if (fromNode !== undefined && fromNode.state !== "up") return;
    if (toNode !== undefined && toNode.state !== "up") return;
    const fromKey = fi.key;
    const toKey = ti.key;
    if (this.holdFrom.size > 0 || this.holdTo.size > 0) {
      const heldBy = this.holdFrom.has(fromKey) ? fromKey : this.holdTo.has(toKey) ? toKey : undefined;
      if (heldBy !== undefined) {
        let q = this.heldFrames.get(heldBy);
        if (q === undefined) {
          q = new Fifo();
          this.heldFrames.set(heldBy, q);
        }
        q.push({ from, to, bytes, action: action as Action<unknown>, arg });
        return;
      }
    }
    if (this.network.cut(fromKey, toKey)) return;
    let link = fi.lastLink;
    if (link === null) {
      link = this.network.link(fromKey, toKey);
      fi.lastLink = link;
    }
    this.transmit(link, fromKey, from.name, toKey, fromNode, toNode, bytes, action, arg);
  }

  /** Put a frame on `link` now (the ends are up and connected) and schedule its arrival. */
  private transmit<A>(
    link: Link,
    fromKey: string,
    fromName: string,
    toKey: string,
    fromNode: BrokerNode | undefined,
    toNode: BrokerNode | undefined,
    bytes: number,
    action: Action<A>,
    arg: A,
  ): void {
    const t = this.network.arrivalOn(link, this.sim.now, bytes);
    const tr: Transfer = {
      action: action as Action<unknown>,
      arg,
      fromKey,
      fromName,
      toKey,
      from: fromNode,
      to: toNode,
      fromEpoch: fromNode?.epoch ?? 0,
      toEpoch: toNode?.epoch ?? 0,
    };
    this.sim.scheduleAt(t, this.arrive, tr);
  }

  /**
   * Writes go to the disk of the node whose code is running (the queue's current leader), which
   * is `node` unless the queue's process moved (quorum queue leader election).
   */
  persist<A>(node: string, bytes: number, action: Action<A>, arg: A): void {
    const n = this.node(this.running.node ?? node);
    if (n.state !== "up") return;
    n.disk.write(bytes, action, arg);
  }

  isUp(node: string): boolean {
    return this.find(node)?.state === "up";
  }

  onNodeDown(listener: NodeListener): void {
    this.downListeners.push(listener);
  }

  onNodeUp(listener: NodeListener): void {
    this.upListeners.push(listener);
  }

  hold(node: string, bytes: number): void {
    this.node(node).memory.hold(bytes);
  }

  release(node: string, bytes: number): void {
    this.node(node).memory.release(bytes);
  }

  onAlarm(listener: AlarmListener): void {
    this.alarmListeners.push(listener);
  }

  alarmActive(): boolean {
    return this.alarms.size > 0;
  }

  hasCredit(proc: ProcessRef): boolean {
    return this.node(proc.node).cpu.hasCredit(proc.key);
  }

  /** Operations queued or running on `proc` (its Erlang mailbox length). */
  backlog(proc: ProcessRef): number {
    return this.node(this.nodeOf(proc)).cpu.process(proc.key).backlog;
  }

  whenCredit<A>(proc: ProcessRef, action: Action<A>, arg: A): void {
    this.node(proc.node).cpu.whenCredit(proc.key, action, arg);
  }

  reachable(a: string, b: string): boolean {
    if (!this.isUp(a) || !this.isUp(b)) return false;
    return !this.network.cut(`n:${a}`, `n:${b}`);
  }

  // ---- queries --------------------------------------------------------------------------------

  state(node: string): NodeState {
    return this.node(node).state;
  }

  downCause(node: string): DownCause | null {
    return this.node(node).downCause;
  }

  /**
   * Persistent messages a durable queue on `node` accepted at or before this time were on disk
   * when the node last went down (and are recovered when it starts); later ones were lost.
   */
  durableCutoff(node: string): Nanoseconds {
    return this.node(node).durableCutoff;
  }

  /** Current partition groups, or null when the network is whole. */
  get partition(): readonly (readonly string[])[] | null {
    return this.groups;
  }

  /** CPU time used by a node so far, ns. */
  cpuTime(node: string): Nanoseconds {
    return this.node(node).cpu.busyTime;
  }

  /**
   * The memory account of `node`, for callers that hold and release per message (the same as
   * hold / release, without a lookup by name each time). Kept across crashes: a restart resets it.
   */
  memoryOf(node: string): NodeMemory {
    return this.node(node).memory;
  }

  memoryUsed(node: string): number {
    return this.node(node).memory.used;
  }

  diskStats(node: string): { bytesWritten: number; syncs: number } {
    const d = this.node(node).disk;
    return { bytesWritten: d.bytesWritten, syncs: d.syncs };
  }

  /** Client connections per node, for autoheal's winner rule; set by the layer that owns clients. */
  setClientCounter(counter: (node: string) => number): void {
    this.clientCounter = counter;
  }

  /** Called when node-to-node links are cut (at once: Raft members notice within their own timeouts). */
  onPartition(listener: (groups: readonly (readonly string[])[]) => void): void {
    this.partitionListeners.push(listener);
  }

  onHeal(listener: (info: HealInfo) => void): void {
    this.healListeners.push(listener);
  }

  // ---- control (faults call these) ------------------------------------------------------------

  /** Uncontrolled crash: CPU work, unsynced writes, memory and in-flight frames are lost. */
  crash(node: string): void {
    this.down(this.node(node), "crash");
  }

  /** Graceful stop: pending disk writes are flushed first, then the node goes down. */
  stop(node: string): void {
    const n = this.node(node);
    if (n.state !== "up") return;
    n.disk.flushNow();
    this.down(n, "stop");
  }

  /** Start (or resume) a node; its durable state is recovered by onNodeUp listeners. */
  start(node: string): void {
    const n = this.node(node);
    if (n.state === "up") return;
    n.state = "up";
    n.downCause = null;
    this.mark("node-up", `${node} up`);
    for (const l of this.upListeners) l(node);
    // A node that starts inside a minority pauses again once it notices (one tick later).
    if (this.groups !== null && this.config.partitionHandling !== "ignore") {
      this.sim.schedule(this.config.netTicktime, this.detect, this.partitionEpoch);
    }
  }

  /** Cut node-node links between the groups; partition handling acts after net_ticktime. */
  partitionNetwork(groups: readonly (readonly string[])[], until?: Nanoseconds): void {
    this.groups = groups;
    this.partitionEpoch++;
    this.network.partition(groups);
    this.mark("partition", `partition ${groups.map((g) => `[${g.join(", ")}]`).join(" ")}`, until);
    this.sim.schedule(this.config.netTicktime, this.detect, this.partitionEpoch);
    for (const l of this.partitionListeners) l(groups);
  }

  /** Restore node-node links and apply the partition-handling mode's recovery. */
  heal(): void {
    const groups = this.groups;
    if (groups === null) return;
    this.groups = null;
    this.partitionEpoch++;
    this.network.heal();
    this.mark("heal", "partition healed");
    const mode = this.config.partitionHandling;
    const autoheal =
      mode === "autoheal" ||
      (mode === "pause_if_all_down" && this.config.pauseIfAllDown?.recover === "autoheal");
    // Paused nodes resume (they poll for the majority and restart the rabbit application).
    for (const n of this.byName.values()) {
      if (n.state === "paused") this.sim.schedule(this.config.restartTime, this.resume, n);
    }
    let losers: string[] = [];
    if (autoheal) {
      const winner = this.winner(groups);
      losers = this.nodes.filter((n) => !winner.includes(n) && this.isUp(n));
      for (const l of losers) {
        this.down(this.node(l), "autoheal");
        this.sim.schedule(this.config.restartTime, this.resume, this.node(l));
      }
    }
    const info: HealInfo = { groups, losers };
    for (const l of this.healListeners) l(info);
  }

  /** Override the link between two endpoints (node or client names). Returns a function that restores it. */
  overrideLink(a: string, b: string, o: LinkOverride): () => void {
    const ka = this.byName.has(a) ? `n:${a}` : `c:${a}`;
    const kb = this.byName.has(b) ? `n:${b}` : `c:${b}`;
    const prev = this.network.override(ka, kb, o);
    return () => {
      this.network.override(ka, kb, prev);
    };
  }

  /**
   * Stop (or resume) reading frames from a client: RabbitMQ blocks a publishing connection during
   * a resource alarm by not reading its socket (docs/connection-blocked.md). Frames wait, in order,
   * and travel when unblocked. Nested blocks count: each block needs its unblock.
   */
  blockClient(name: string, on: boolean): void {
    this.holdFrames(this.holdFrom, `c:${name}`, on);
  }

  /**
   * Freeze a client (SIGSTOP, a long GC pause, a stalled event loop) until `until`: it neither sends
   * nor reads; frames both ways wait and flow when it resumes.
   */
  freezeClient(name: string, until: Nanoseconds): void {
    const key = `c:${name}`;
    this.holdFrames(this.holdFrom, key, true);
    this.holdFrames(this.holdTo, key, true);
    this.sim.scheduleAt(until, () => {
      this.holdFrames(this.holdFrom, key, false);
      this.holdFrames(this.holdTo, key, false);
    });
  }

  private holdFrames(map: Map<string, number>, key: string, on: boolean): void {
    const n = (map.get(key) ?? 0) + (on ? 1 : -1);
    if (n > 0) {
      map.set(key, n);
      return;
    }
    map.delete(key);
    if (on) return;
    // read what already reached the node first, in order, at +0 (a fresh block stops the reading)
    if (this.unread.has(key) && !this.draining.has(key)) {
      this.draining.add(key);
      this.sim.schedule(0, this.drainUnread, key);
    }
    // then send what the client held back, in order (frames still held at their other end, or
    // by a new block, are held again)
    const held = this.heldFrames.get(key);
    if (held === undefined) return;
    this.heldFrames.delete(key);
    for (let f = held.shift(); f !== undefined; f = held.shift()) {
      this.send(f.from, f.to, f.bytes, f.action, f.arg);
    }
  }

  /** Read a client's unread frames in order while the broker reads its socket. */
  private readonly drainUnread = (key: string): void => {
    this.draining.delete(key);
    const q = this.unread.get(key);
    if (q === undefined) return;
    while (q.length > 0) {
      if (this.holdFrom.has(key)) return; // blocked again: the rest waits for the next unblock
      this.read(q.shift()!);
    }
    this.unread.delete(key);
  };

  /**
   * Run process `key`'s future work on `node` instead of the node in its ProcessRef (a quorum
   * queue whose leadership moved to a follower). null moves it back.
   */
  relocate(key: string, node: string | null): void {
    if (node === null) this.moved.delete(key);
    else {
      this.node(node);
      this.moved.set(key, node);
    }
    const waiting = this.suspended.get(key);
    if (waiting === undefined) return;
    this.suspended.delete(key);
    const r = this.running;
    const outer = { node: r.node, proc: r.proc, client: r.client };
    for (const w of waiting) {
      r.node = w.from;
      r.proc = null;
      r.client = null;
      this.work(w.proc, w.op, w.size, w.action, w.arg);
    }
    Object.assign(r, outer);
  }

  /**
   * Hold process `key`'s work until relocate() names a node for it (writes to a quorum queue are
   * delayed while it elects a leader, docs/quorum-queues).
   */
  suspend(key: string): void {
    if (!this.suspended.has(key)) this.suspended.set(key, []);
  }

  /** The node that runs process `proc` now. */
  nodeOf(proc: ProcessRef): string {
    return this.moved.get(proc.key) ?? proc.node;
  }

  /** Raise or clear a resource alarm by hand (memory / disk alarm faults). */
  forceAlarm(kind: "memory" | "disk", node: string, on: boolean): void {
    this.node(node);
    this.setAlarm(`${kind}:${node}:forced`, on);
  }

  // ---- internals ------------------------------------------------------------------------------

  /**
   * The node named `name`, if any: a scan of a handful of nodes, cheaper than a string-keyed Map
   * lookup on the per-message paths (work, send).
   */
  private find(name: string): BrokerNode | undefined {
    const list = this.nodeList;
    for (let i = 0; i < list.length; i++) if (list[i]!.name === name) return list[i];
    return undefined;
  }

  private info(e: Endpoint): EndpointInfo {
    let i = e.net as EndpointInfo | undefined;
    if (i === undefined || i.owner !== this) {
      i = {
        owner: this,
        key: endpointKey(e),
        node: e.kind === "node" ? this.find(e.name) : undefined,
        lastTo: null,
        lastToInfo: null,
        lastLink: null,
      };
      e.net = i;
    }
    return i;
  }

  private node(name: string): BrokerNode {
    const n = this.byName.get(name);
    if (n === undefined) throw new Error(`unknown broker node '${name}' (nodes: ${this.nodes.join(", ")})`);
    return n;
  }

  private readonly arrive = (tr: Transfer): void => {
    if (tr.from === undefined && this.unread.size + this.holdFrom.size > 0) {
      // the broker is not reading this client's socket, or has not caught up with it yet
      const q = this.unread.get(tr.fromKey);
      if (q !== undefined) {
        q.push(tr);
        return;
      }
      if (this.holdFrom.has(tr.fromKey)) {
        const fresh = new Fifo<Transfer>();
        fresh.push(tr);
        this.unread.set(tr.fromKey, fresh);
        return;
      }
    }
    this.read(tr);
  };

  /** The frame is read at its destination: run its action there. */
  private read(tr: Transfer): void {
    const f = tr.from;
    const t = tr.to;
    if (f !== undefined && (f.state !== "up" || f.epoch !== tr.fromEpoch)) return;
    if (t !== undefined && (t.state !== "up" || t.epoch !== tr.toEpoch)) return;
    if (f !== undefined && t !== undefined && this.network.cut(tr.fromKey, tr.toKey)) return;
    const r = this.running;
    const outerNode = r.node;
    const outerProc = r.proc;
    const outerClient = r.client;
    r.node = t === undefined ? null : t.name;
    r.proc = null;
    r.client = f === undefined && t !== undefined ? tr.fromName : null;
    tr.action(tr.arg);
    r.node = outerNode;
    r.proc = outerProc;
    r.client = outerClient;
  }

  private down(n: BrokerNode, cause: DownCause): void {
    if (n.state === "down" || (n.state === "paused" && cause === "pause")) return;
    const wasUp = n.state === "up";
    // Only a crash loses unsynced writes: a pause or an autoheal restart stops the application
    // in an orderly way (rabbit_node_monitor), like a graceful stop.
    if (wasUp && cause !== "crash") n.disk.flushNow();
    n.state = cause === "pause" ? "paused" : "down";
    n.downCause = cause;
    n.epoch++;
    // What reached the disk: every completed fsync batch, plus anything older than one sync
    // interval and write (writes made without a persist() callback are flushed by the same timer).
    const d = n.disk.settings;
    n.durableCutoff = Math.max(n.disk.syncedCutoff, this.sim.now - d.fsyncInterval - d.fsyncLatency);
    n.cpu.reset();
    n.disk.reset();
    n.memory.reset();
    this.mark(
      `node-${cause}`,
      `${n.name} ${cause === "pause" ? "paused" : cause === "stop" ? "stopped" : cause === "crash" ? "crashed" : "restarted by autoheal"}`,
    );
    if (wasUp) for (const l of this.downListeners) l(n.name);
  }

  private readonly resume = (n: BrokerNode): void => {
    if (n.state === "up") return;
    if (n.state === "down" && n.downCause !== "autoheal" && n.downCause !== "pause") return;
    this.start(n.name);
  };

  private readonly detect = (epoch: number): void => {
    if (epoch !== this.partitionEpoch || this.groups === null) return;
    const mode = this.config.partitionHandling;
    if (mode === "pause_minority") {
      const total = this.nodes.length;
      for (const name of this.nodes) {
        if (!this.isUp(name)) continue;
        const seen = this.nodes.filter((o) => o === name || this.reachable(name, o)).length;
        if (seen * 2 <= total) this.down(this.node(name), "pause");
      }
    } else if (mode === "pause_if_all_down") {
      const listed = this.config.pauseIfAllDown?.nodes ?? [];
      for (const name of this.nodes) {
        if (!this.isUp(name) || listed.includes(name)) continue;
        if (!listed.some((o) => this.reachable(name, o))) this.down(this.node(name), "pause");
      }
    }
  };

  /** Autoheal's winning side: most client connections, then most nodes, then first in order. */
  private winner(groups: readonly (readonly string[])[]): readonly string[] {
    const listed = new Set(groups.flat());
    const all = [...groups, this.nodes.filter((n) => !listed.has(n))].filter((g) => g.length > 0);
    let best = all[0]!;
    let bestScore = [-1, -1];
    for (const g of all) {
      const up = g.filter((n) => this.isUp(n));
      const score = [up.reduce((s, n) => s + this.clientCounter(n), 0), up.length];
      if (score[0]! > bestScore[0]! || (score[0] === bestScore[0] && score[1]! > bestScore[1]!)) {
        best = g;
        bestScore = score;
      }
    }
    return best;
  }

  private setAlarm(key: string, on: boolean): void {
    const before = this.alarms.size > 0;
    if (on) this.alarms.add(key);
    else this.alarms.delete(key);
    const after = this.alarms.size > 0;
    if (on) this.mark("alarm", `resource alarm ${key.replace(":forced", "")}`);
    if (before !== after) {
      if (!after) this.mark("alarm-cleared", "resource alarms cleared");
      const reasons = [...this.alarms].sort();
      for (const l of this.alarmListeners) l(after, reasons);
    }
  }

  private mark(kind: string, label: string, until?: Nanoseconds): void {
    if (this.events.active) {
      this.events.emit(
        until === undefined
          ? { time: this.sim.now, kind, label }
          : { time: this.sim.now, kind, label, until },
      );
    }
  }
}
