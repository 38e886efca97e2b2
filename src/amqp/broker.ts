import type { BrokerRuntime } from "../cluster/runtime.js";
import type { EventId, Simulator } from "../engine/simulator.js";
import { type Nanoseconds, NS_PER_S } from "../engine/time.js";
import type { makeBinding } from "./binding.js";
import { Connection, type ConnectOptions } from "./connection.js";
import { deadLetteredMessage, isCycle } from "./dead-letter.js";
import { EXCHANGE_TYPES, Exchange } from "./exchange.js";
import { DefaultRouter } from "./exchanges/default.js";
import type { Fate, LossCause } from "./fate.js";
import { type FateCounts, FateLedger } from "./fate-ledger.js";
import type { QueuedMessage } from "./message.js";
import { type DeadLetterReason, Queue } from "./queue.js";
import { QuorumQueue } from "./replicated/quorum-queue.js";
import type { Replication } from "./replicated/replication.js";
import type { SplitBrain } from "./replicated/split-brain.js";
import { Router } from "./routing.js";
import { BrokerSignals } from "./signals.js";
import { type BrokerVersion, parseVersion } from "./version.js";
import { VHost } from "./vhost.js";

export interface BrokerOptions {
  readonly runtime: BrokerRuntime;
  /** RabbitMQ version modelled: "3.10" .. "4.x" (default "3.10", the conformance broker). */
  readonly version?: string;
  readonly signals?: BrokerSignals;
  /**
   * Delivery acknowledgement timeout (docs/consumers.md#acknowledgement-timeout), ns. RabbitMQ's
   * default is 30 min, checked once a minute; here it is off unless given, because a run that
   * ends with unacked deliveries would otherwise be extended to the timeout.
   */
  readonly consumerTimeout?: Nanoseconds;
}

/** A publish between the client and its target queues (see finish()). */
export interface TransitRecord {
  readonly msg: { readonly id: number };
  targets: (Queue | null)[] | null;
  prevT: TransitRecord | null;
  nextT: TransitRecord | null;
}

/** A queue implementation: classic here; replicated types register theirs (broker.queueTypes). */
export type QueueType = new (...args: ConstructorParameters<typeof Queue>) => Queue;

/** How often RabbitMQ checks the acknowledgement timeout (docs/consumers.md): once a minute. */
const ACK_TIMEOUT_CHECK: Nanoseconds = 60 * NS_PER_S;

export interface FinishResult {
  readonly copies: number;
  readonly total: FateCounts;
  readonly queues: ReadonlyMap<string, FateCounts>;
  /** Copies that never reached a queue (unroutable, returned, in flight before routing). */
  readonly unqueued: FateCounts;
}

/** The pre-declared exchanges of every vhost (docs/exchanges.md). */
const PREDECLARED: readonly (readonly [string, string])[] = [
  ["amq.direct", "direct"],
  ["amq.fanout", "fanout"],
  ["amq.topic", "topic"],
  ["amq.headers", "headers"],
  ["amq.match", "headers"],
];

/**
 * One simulated RabbitMQ cluster's AMQP state: vhosts, exchanges, queues, bindings, connections.
 * Every step runs through `runtime` (CPU work on a node's process, network transfer, disk), so the
 * same model runs free (semantics tests) or costed (capacity planning).
 */
export class Broker {
  readonly runtime: BrokerRuntime;
  readonly signals: BrokerSignals;
  readonly version: BrokerVersion;
  readonly ledger = new FateLedger();
  readonly router = new Router();
  readonly vhosts = new Map<string, VHost>();
  readonly connections = new Set<Connection>();
  /** Messages between client publish and the end of routing / enqueueing (for finish()). */
  private transitHead: TransitRecord | null = null;
  /**
   * Queue types by x-queue-type. "classic" is built in; quorum / stream behaviour comes from the
   * cluster layer's subclasses (until registered they are modelled as classic queues).
   */
  readonly queueTypes = new Map<string, QueueType>([
    ["classic", Queue],
    ["quorum", QuorumQueue],
    ["stream", Queue],
  ]);
  readonly consumerTimeout: Nanoseconds | undefined;
  /** Replicated queues' confirm wait, set by the cluster layer (replicated/replication.ts). */
  replication: Replication | undefined = undefined;
  /** Mirrored queues' second leaders under partition handling `ignore` (replicated/split-brain.ts). */
  splitBrain: SplitBrain | undefined = undefined;
  /**
   * Why a declared queue cannot be used now (its home node is down), set by the cluster layer
   * (replicated/node-failure.ts); undefined = available. queue.declare then fails with 404.
   */
  queueUnavailable: ((q: Queue) => string | undefined) | undefined = undefined;
  /** Called by finish() before counting, so extensions can give their held copies a fate. */
  private readonly finishers: (() => void)[] = [];
  private ackTimer: EventId | undefined;
  private nextMsgId = 1;
  private nameCounter = 0;
  private finished = false;

  constructor(
    readonly sim: Simulator,
    options: BrokerOptions,
  ) {
    this.runtime = options.runtime;
    this.signals = options.signals ?? new BrokerSignals();
    this.version = parseVersion(options.version ?? "3.10");
    this.consumerTimeout = options.consumerTimeout;
    this.vhost("/");
  }

  /** Open a client connection (to `node`, default the runtime's first node). */
  connect(options: ConnectOptions): Connection {
    const c = new Connection(this, options);
    this.connections.add(c);
    return c;
  }

  /** The vhost `name`, created with its pre-declared exchanges on first use. */
  vhost(name: string): VHost {
    let v = this.vhosts.get(name);
    if (v) return v;
    v = new VHost(name);
    this.vhosts.set(name, v);
    const node = this.runtime.nodes[0] ?? "rabbit@node1";
    v.exchanges.set("", new Exchange(name, "", "direct", new DefaultRouter(), true, false, false, {}, node));
    for (const [n, t] of PREDECLARED) {
      v.exchanges.set(n, new Exchange(name, n, t, EXCHANGE_TYPES[t]!(), true, false, false, {}, node));
    }
    return v;
  }

  /** Name used in signals: "vhost/name" only when several vhosts exist. */
  entityKey(vhost: string, name: string): string {
    return this.vhosts.size > 1 || vhost !== "/" ? `${vhost}/${name}` : name;
  }

  /** @internal a publish enters transit (O(1), intrusive list). */
  transitAdd(t: TransitRecord): void {
    t.prevT = null;
    t.nextT = this.transitHead;
    if (this.transitHead) this.transitHead.prevT = t;
    this.transitHead = t;
  }

  /** @internal a publish leaves transit (routed nowhere, or every target queue took it). */
  transitRemove(t: TransitRecord): void {
    if (t.prevT) t.prevT.nextT = t.nextT;
    else if (this.transitHead === t) this.transitHead = t.nextT;
    if (t.nextT) t.nextT.prevT = t.prevT;
    t.prevT = null;
    t.nextT = null;
  }

  allocMsgId(): number {
    return this.nextMsgId++;
  }

  /** Server-generated queue name, "amq.gen-" + 22 characters as RabbitMQ does; deterministic. */
  generateQueueName(): string {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // 32-bit integer arithmetic (Math.imul): plain multiplication overflows 2^53 and loses the
    // low bits, which made different counters produce the same name. The start state is a
    // bijection of the counter; each character takes the LCG's top 6 bits (its best-mixed ones).
    let x = Math.imul(++this.nameCounter, 2654435761) >>> 0;
    let s = "";
    for (let i = 0; i < 22; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      s += alphabet[x >>> 26];
    }
    return `amq.gen-${s}`;
  }

  /** Register a step for finish(): give fates to copies an extension holds outside the queues. */
  addFinisher(fn: () => void): void {
    this.finishers.push(fn);
  }

  /** @internal start the once-a-minute acknowledgement timeout check if it is on and idle. */
  armAckTimeout(): void {
    if (this.consumerTimeout === undefined || this.ackTimer !== undefined) return;
    this.ackTimer = this.sim.schedule(ACK_TIMEOUT_CHECK, checkAckTimeouts, this);
  }

  /** @internal the periodic check; re-arms only while some channel holds unacked deliveries. */
  runAckTimeoutCheck(): void {
    this.ackTimer = undefined;
    const timeout = this.consumerTimeout!;
    let pending = false;
    for (const conn of [...this.connections]) {
      for (const ch of conn.channels.values()) if (ch.checkAckTimeout(timeout)) pending = true;
    }
    if (pending) this.armAckTimeout();
  }

  /** Give one copy its fate: counted, and emitted on signals.fate. */
  recordFate(msgId: number, queue: string | null, fate: Fate, lossCause?: LossCause): void {
    this.ledger.record(queue, fate);
    const sig = this.signals.fate;
    if (sig.active) {
      if (lossCause === undefined) sig.emit({ time: this.sim.now, msgId, queue, fate });
      else sig.emit({ time: this.sim.now, msgId, queue, fate, lossCause });
    }
  }

  /**
   * Dead-letter a copy that left `q` (docs/dlx.md). Returns false when the queue has no DLX
   * configured, so the caller records its own drop fate. A DLX that does not exist drops the message
   * silently (fate by reason, as without a DLX).
   */
  deadLetter(q: Queue, qm: QueuedMessage, reason: DeadLetterReason): boolean {
    const dlx = q.parsed.deadLetterExchange;
    if (dlx === undefined) return false;
    const x = q.vhost.exchanges.get(dlx);
    if (!x) return false;
    const now = this.sim.now;
    const msg = deadLetteredMessage(q, qm, reason, dlx, now);
    this.recordFate(qm.msg.id, q.key, "dead-lettered");
    const sig = this.signals.deadLettered;
    if (sig.active) {
      sig.emit({
        time: now,
        queue: q.key,
        node: q.node,
        ready: q.readyCount,
        unacked: q.unackedCount,
        msgId: msg.id,
        reason,
        deadLetterExchange: dlx,
        routingKey: msg.routingKey,
      });
    }
    const r = this.router.route(q.vhost, x, msg.routingKey, msg.ccKeys, msg.properties.headers, false);
    // cycles are dropped unless a rejection happened in the cycle
    const targets = r.queues.filter((t) => !isCycle(t.name, msg));
    this.ledger.copies += targets.length;
    for (const t of targets) t.accept(msg);
    return true;
  }

  /** Delete a queue: bindings removed, consumers cancelled (with notification), messages lost. */
  deleteQueue(q: Queue, cause: LossCause): void {
    if (q.deleted) return;
    const vh = q.vhost;
    q.markDeleted(cause);
    vh.queues.delete(q.name);
    vh.exchanges.get("")!.router.unbind(DefaultRouter.bindingFor(q.name));
    for (const b of vh.inboundOf("queue", q.name)) this.removeBinding(vh, b);
    for (const c of [...q.consumers]) c.channel.serverCancel(c);
    q.consumers.length = 0;
    // unacked copies of a deleted queue are gone too; later acks of their tags are ignored
    for (const conn of this.connections) conn.forgetDeliveries(q, cause);
    q.owner?.exclusiveQueues.delete(q);
  }

  /** Add a binding; returns false if it already existed. */
  addBinding(vh: VHost, source: Exchange, b: ReturnType<typeof makeBinding>): boolean {
    if (!source.router.bind(b)) return false;
    source.everBound = true;
    vh.addInbound(b);
    return true;
  }

  /** Remove a binding; an auto-delete source exchange left with none is deleted (docs/exchanges.md). */
  removeBinding(vh: VHost, b: ReturnType<typeof makeBinding>): boolean {
    const source = vh.exchanges.get(b.source);
    if (!source?.router.unbind(b)) return false;
    vh.removeInbound(b);
    if (source.autoDelete && source.everBound && source.router.size === 0) this.deleteExchange(vh, source);
    return true;
  }

  deleteExchange(vh: VHost, x: Exchange): void {
    if (x.deleted) return;
    x.deleted = true;
    vh.exchanges.delete(x.name);
    for (const b of [...x.router.bindings()]) {
      x.router.unbind(b);
      vh.removeInbound(b);
    }
    for (const b of vh.inboundOf("exchange", x.name)) this.removeBinding(vh, b);
  }

  /**
   * End of run: every copy still in a queue gets fate "queued", every unsettled delivery or copy
   * on the wire "in-flight". Returns the fate counts and checks the invariant. Idempotent.
   */
  finish(): FinishResult {
    if (!this.finished) {
      this.finished = true;
      for (const fn of this.finishers) fn();
      for (const conn of this.connections) conn.finishDeliveries();
      for (const vh of this.vhosts.values()) {
        for (const q of vh.queues.values()) {
          for (const qm of q.drainReady()) this.recordFate(qm.msg.id, q.key, "queued");
        }
      }
      for (let t = this.transitHead; t !== null; t = t.nextT) {
        if (t.targets === null) this.recordFate(t.msg.id, null, "in-flight");
        else for (const q of t.targets) if (q) this.recordFate(t.msg.id, q.key, "in-flight");
      }
      this.transitHead = null;
    }
    this.checkFateInvariant();
    return {
      copies: this.ledger.copies,
      total: this.ledger.total,
      queues: this.ledger.queues,
      unqueued: this.ledger.unqueued,
    };
  }

  /** Throws a clear error if the copies published do not equal the fates recorded. */
  checkFateInvariant(): void {
    this.ledger.check();
  }
}

function checkAckTimeouts(b: Broker): void {
  b.runAckTimeoutCheck();
}
