import type { ProcessRef } from "../cluster/runtime.js";
import type { EventId } from "../engine/simulator.js";
import { type Nanoseconds, NS_PER_MS } from "../engine/time.js";
import type { Broker } from "./broker.js";
import type { Channel } from "./channel.js";
import type { Connection } from "./connection.js";
import type { Consumer } from "./consumer.js";
import type { LossCause } from "./fate.js";
import type { FieldTable, Message, QueuedMessage } from "./message.js";
import { ReadyList } from "./ready-list.js";
import type { VHost } from "./vhost.js";

export type Overflow = "drop-head" | "reject-publish" | "reject-publish-dlx";
export type DeadLetterReason = "rejected" | "expired" | "maxlen" | "delivery_limit";

/** Declared properties of a queue (queue.declare). */
export interface QueueOptions {
  readonly durable?: boolean;
  readonly exclusive?: boolean;
  readonly autoDelete?: boolean;
  readonly arguments?: FieldTable;
}

/**
 * Parsed x-arguments (docs/queues.md#optional-arguments). Durations are ns (converted from the
 * arguments' milliseconds); undefined means "not set".
 */
export interface QueueArgs {
  readonly messageTtl: Nanoseconds | undefined;
  readonly expires: Nanoseconds | undefined;
  readonly maxLength: number | undefined;
  readonly maxLengthBytes: number | undefined;
  readonly overflow: Overflow;
  readonly deadLetterExchange: string | undefined;
  readonly deadLetterRoutingKey: string | undefined;
  readonly maxPriority: number | undefined;
  readonly singleActiveConsumer: boolean;
  readonly queueType: string;
}

/**
 * A queue: ready messages in publication order (one list per priority level), a count of unacked
 * deliveries, and its consumers. Classic-queue semantics (docs/queues.md, docs/ttl.md,
 * docs/maxlength, docs/dlx.md, docs/priority.md, docs/consumers.md); replicated queue types hook in
 * by subclassing and overriding the marked extension points.
 *
 * Runs as one process on `node` (runtime.work with `proc`): the runtime serialises its work.
 */
export class Queue {
  readonly proc: ProcessRef;
  /** Ready messages, one list per priority level (index = priority). */
  protected readonly levels: ReadyList[];
  readyCount = 0;
  readyBytes = 0;
  unackedCount = 0;
  readonly consumers: Consumer[] = [];
  deleted = false;
  /** Signals key: "vhost/name" when the broker has several vhosts. */
  readonly key: string;
  private seq = 0;
  private everConsumed = false;
  /**
   * Single active consumer: the channel of an active consumer cancelled while it held unacked
   * deliveries. Until that channel closes no consumer is active (RabbitMQ 3.10.8, conformance:
   * single-active-consumer-cancel-with-unacked, single-active-consumer-cancel-then-ack).
   */
  private sacHeldBy: Channel | undefined;
  private expiryTimer: EventId | undefined;
  private expiryTimerAt = Number.POSITIVE_INFINITY;
  private leaseTimer: EventId | undefined;
  private lastUsed: Nanoseconds;
  /** Consumers parked as blocked (see pickConsumer). */
  private parkedCount = 0;
  /** Ready messages with a finite expiry (0: expiry checks are skipped). */
  private expiring = 0;
  /** Routing epoch mark: de-duplicates destinations within one routing decision. */
  routeMark = 0;

  constructor(
    readonly broker: Broker,
    readonly vhost: VHost,
    readonly name: string,
    readonly node: string,
    readonly durable: boolean,
    readonly exclusive: boolean,
    readonly autoDelete: boolean,
    readonly args: FieldTable,
    readonly parsed: QueueArgs,
    /** The declaring connection of an exclusive queue. */
    readonly owner: Connection | undefined,
  ) {
    this.proc = { node, key: `queue:${vhost.name}/${name}` };
    const n = parsed.maxPriority === undefined ? 1 : parsed.maxPriority + 1;
    this.levels = Array.from({ length: n }, () => new ReadyList());
    this.key = broker.entityKey(vhost.name, name);
    this.lastUsed = broker.sim.now;
    this.armLease();
  }

  get type(): string {
    return this.parsed.queueType;
  }

  get consumerCount(): number {
    return this.consumers.length;
  }

  /** Messages ready for delivery (what queue.declare-ok reports as message_count). */
  get messageCount(): number {
    return this.readyCount;
  }

  // ---------------------------------------------------------------- accepting a published copy

  /**
   * Accept a copy from a publish (or dead-lettering). Returns false when the copy was refused
   * (reject-publish overflow: the publisher's confirm becomes a nack).
   */
  accept(msg: Message): boolean {
    const now = this.broker.sim.now;
    const p = this.parsed;
    if (this.deleted) {
      this.broker.recordFate(msg.id, this.key, "lost", "queue-deleted");
      return true;
    }
    if (p.overflow !== "drop-head" && this.wouldOverflow(msg.bytes)) {
      // docs/maxlength: reject-publish discards the newest; -dlx also dead-letters it
      const qm = this.makeCopy(msg, now);
      if (p.overflow === "reject-publish-dlx" && this.broker.deadLetter(this, qm, "maxlen")) return false;
      this.broker.recordFate(msg.id, this.key, "overflow-dropped");
      this.emitDropped(msg.id, "overflow");
      return false;
    }
    const qm = this.makeCopy(msg, now);
    const sig = this.broker.signals.enqueued;
    if (sig.active) {
      sig.emit({
        time: now,
        queue: this.key,
        node: this.node,
        ready: this.readyCount + 1,
        unacked: this.unackedCount,
        msgId: msg.id,
        bytes: msg.bytes,
      });
    }
    // rabbit_amqqueue_process attempt_delivery: an empty queue hands the message straight to a
    // consumer that can take it (so TTL 0 messages are delivered when a consumer is ready).
    if (this.readyCount === 0) {
      const c = this.pickConsumer();
      if (c) {
        this.deliver(c, qm);
        return true;
      }
    }
    this.pushReady(qm);
    this.enforceMaxLength();
    this.dispatch();
    return true;
  }

  /** The next position at the back of the queue's publication order (for requeues to the back). */
  protected nextSeq(): number {
    return this.seq++;
  }

  private makeCopy(msg: Message, now: Nanoseconds): QueuedMessage {
    let ttl = this.parsed.messageTtl;
    const exp = msg.properties.expiration;
    if (exp !== undefined) {
      const perMsg = Number(exp) * NS_PER_MS;
      if (Number.isFinite(perMsg) && perMsg >= 0 && (ttl === undefined || perMsg < ttl)) ttl = perMsg;
    }
    const max = this.parsed.maxPriority;
    let priority = 0;
    if (max !== undefined) {
      const pr = msg.properties.priority ?? 0;
      priority = Math.min(max, Math.max(pr, 0));
    }
    return {
      msg,
      seq: this.seq++,
      enqueuedAt: now,
      expiresAt: ttl === undefined ? Number.POSITIVE_INFINITY : now + ttl,
      priority,
      redelivered: false,
      deliveries: 0,
    };
  }

  private wouldOverflow(bytes: number): boolean {
    const p = this.parsed;
    return (
      (p.maxLength !== undefined && this.readyCount + 1 > p.maxLength) ||
      (p.maxLengthBytes !== undefined && this.readyBytes + bytes > p.maxLengthBytes)
    );
  }

  private pushReady(qm: QueuedMessage): void {
    if (qm.expiresAt !== Number.POSITIVE_INFINITY) this.expiring++;
    this.levels[qm.priority]!.push(qm);
    this.readyCount++;
    this.readyBytes += qm.msg.bytes;
  }

  /** The next message to deliver: the head of the highest non-empty priority level. */
  protected peekHead(): QueuedMessage | undefined {
    const levels = this.levels;
    for (let i = levels.length - 1; i >= 0; i--) {
      const m = levels[i]!.peek();
      if (m) return m;
    }
    return undefined;
  }

  protected shiftHead(): QueuedMessage | undefined {
    const levels = this.levels;
    for (let i = levels.length - 1; i >= 0; i--) {
      const l = levels[i]!;
      if (l.length > 0) {
        const m = l.shift()!;
        if (m.expiresAt !== Number.POSITIVE_INFINITY) this.expiring--;
        this.readyCount--;
        this.readyBytes -= m.msg.bytes;
        return m;
      }
    }
    return undefined;
  }

  /** drop-head overflow: drop (or dead-letter, reason maxlen) the oldest ready messages. */
  private enforceMaxLength(): void {
    const p = this.parsed;
    if (p.maxLength === undefined && p.maxLengthBytes === undefined) return;
    while (
      this.readyCount > 0 &&
      ((p.maxLength !== undefined && this.readyCount > p.maxLength) ||
        (p.maxLengthBytes !== undefined && this.readyBytes > p.maxLengthBytes))
    ) {
      const qm = this.shiftHead()!;
      if (!this.broker.deadLetter(this, qm, "maxlen")) {
        this.broker.recordFate(qm.msg.id, this.key, "overflow-dropped");
        this.emitDropped(qm.msg.id, "overflow");
      }
    }
  }

  // ---------------------------------------------------------------- expiry (docs/ttl.md)

  /** Expire messages at the head whose time has come (expiry happens only at the head). */
  private expireHead(): void {
    if (this.expiring === 0) return;
    const now = this.broker.sim.now;
    for (;;) {
      const head = this.peekHead();
      if (!head || head.expiresAt > now) return;
      this.shiftHead();
      const sig = this.broker.signals.expired;
      if (sig.active) {
        sig.emit({
          time: now,
          queue: this.key,
          node: this.node,
          ready: this.readyCount,
          unacked: this.unackedCount,
          msgId: head.msg.id,
        });
      }
      if (!this.broker.deadLetter(this, head, "expired"))
        this.broker.recordFate(head.msg.id, this.key, "expired");
    }
  }

  private armExpiry(): void {
    if (this.expiring === 0) return;
    const head = this.peekHead();
    if (!head || head.expiresAt === Number.POSITIVE_INFINITY) return;
    if (this.expiryTimer !== undefined && this.expiryTimerAt <= head.expiresAt) return;
    if (this.expiryTimer !== undefined) this.broker.sim.cancel(this.expiryTimer);
    const at = Math.max(head.expiresAt, this.broker.sim.now);
    this.expiryTimerAt = at;
    this.expiryTimer = this.broker.sim.scheduleAt(at, onExpiryTimer, this);
  }

  /** Timer: runs as queue work so a costed runtime serialises it with the queue's other steps. */
  onExpiryTimer(): void {
    this.expiryTimer = undefined;
    this.expiryTimerAt = Number.POSITIVE_INFINITY;
    if (this.deleted) return;
    this.expireHead();
    this.dispatch();
  }

  // ---------------------------------------------------------------- consumers and dispatch

  /**
   * The consumer the next message goes to: consumers are kept sorted by priority (highest first,
   * docs/consumer-priority.md); the first that can take a message wins and moves to the back of its
   * priority group (round-robin among equals). Single active consumer: only the first registered.
   */
  protected pickConsumer(): Consumer | undefined {
    const cs = this.consumers;
    if (this.sacHeldBy !== undefined) return undefined;
    if (this.parkedCount > 0) this.unpark();
    const n = this.parsed.singleActiveConsumer ? Math.min(1, cs.length) : cs.length;
    for (let i = 0; i < n; i++) {
      const c = cs[i]!;
      if (!c.canTake()) {
        if (!c.parked && n > 1) {
          c.parked = true;
          this.parkedCount++;
        }
        continue;
      }
      if (n > 1) {
        // rotate c to the end of its priority group
        let j = i;
        while (j + 1 < n && cs[j + 1]!.priority === c.priority) {
          cs[j] = cs[j + 1]!;
          j++;
        }
        cs[j] = c;
      }
      return c;
    }
    return undefined;
  }

  /**
   * Parked consumers that can take messages again rejoin the round-robin at the back of their
   * priority group (rabbit_queue_consumers: a blocked consumer leaves the active queue and is
   * appended when unblocked; conformance: round-robin-skips-full-consumer).
   */
  private unpark(): void {
    const cs = this.consumers;
    const freed = cs.filter((c) => c.parked && c.canTake());
    for (const c of freed) {
      c.parked = false;
      this.parkedCount--;
      cs.splice(cs.indexOf(c), 1);
      let j = cs.length;
      while (j > 0 && cs[j - 1]!.priority < c.priority) j--;
      cs.splice(j, 0, c);
    }
  }

  /** Deliver ready messages while a consumer can take one. */
  dispatch(): void {
    if (this.deleted) return;
    if (this.readyCount > 0) {
      this.expireHead();
      while (this.readyCount > 0 && this.consumers.length > 0) {
        const c = this.pickConsumer();
        if (!c) break;
        const qm = this.shiftHead()!;
        this.deliver(c, qm);
        if (this.readyCount > 0) this.expireHead();
      }
    }
    this.armExpiry();
  }

  private deliver(c: Consumer, qm: QueuedMessage): void {
    qm.deliveries++;
    this.everConsumed = true;
    if (!c.noAck) {
      this.unackedCount++;
      c.unacked++;
    }
    c.channel.deliver(c, this, qm);
  }

  /** basic.get: the head message (expired heads dropped first), or undefined when empty. */
  get(): QueuedMessage | undefined {
    this.touch();
    if (this.readyCount === 0) return undefined;
    this.expireHead();
    const qm = this.shiftHead();
    if (qm) qm.deliveries++;
    // RabbitMQ drops expired messages that become the head before answering, so get-ok's
    // message_count does not include them (conformance: ttl-expires-only-at-head)
    this.expireHead();
    this.armExpiry();
    return qm;
  }

  addConsumer(c: Consumer): void {
    let i = this.consumers.length;
    // single active consumer (classic): the first registered stays active whatever the priority;
    // the next in registration order takes over (docs/consumers.md#single-active-consumer)
    if (!this.parsed.singleActiveConsumer) while (i > 0 && this.consumers[i - 1]!.priority < c.priority) i--;
    this.consumers.splice(i, 0, c);
    this.touch();
    this.dispatch();
  }

  /** Remove a consumer (basic.cancel, channel close); auto-delete once the last one goes. */
  removeConsumer(c: Consumer): void {
    const i = this.consumers.indexOf(c);
    if (i < 0) return;
    this.consumers.splice(i, 1);
    if (c.parked) {
      c.parked = false;
      this.parkedCount--;
    }
    this.touch();
    if (this.autoDelete && this.consumers.length === 0) {
      // docs/queues.md#temporary-queues: deleted when its last consumer goes away
      this.broker.deleteQueue(this, "queue-deleted");
      return;
    }
    if (i === 0 && this.parsed.singleActiveConsumer) {
      if (c.unacked > 0 && c.channel.brokerOpen && this.holdsSacUntilChannelClose()) {
        this.sacHeldBy = c.channel;
        c.channel.holdSingleActive(this);
        return;
      }
      this.dispatch();
    }
  }

  /**
   * Whether cancelling the active consumer of a single-active-consumer queue while it holds unacked
   * deliveries keeps the next consumer inactive until the old consumer's channel closes (acks are
   * not enough). Recorded on RabbitMQ 3.10.8 classic queues (test/conformance/DIFFERENCES.md);
   * assumed for every 3.x classic queue, not for 4.x or other queue types (not recorded there).
   */
  protected holdsSacUntilChannelClose(): boolean {
    return this.parsed.queueType === "classic" && this.broker.version.major === 3;
  }

  /** @internal the channel holding this queue's single-active slot closed: hand over now. */
  releaseSingleActive(ch: Channel): void {
    if (this.sacHeldBy !== ch) return;
    this.sacHeldBy = undefined;
    this.dispatch();
  }

  get hadConsumer(): boolean {
    return this.everConsumed;
  }

  // ---------------------------------------------------------------- settlement

  /** ack of an unacked delivery (from `consumer`, or basic.get when undefined). */
  settleAck(qm: QueuedMessage, consumer: Consumer | undefined): void {
    this.unackedCount--;
    if (consumer) consumer.unacked--;
    this.broker.recordFate(qm.msg.id, this.key, "acked");
  }

  /**
   * nack / reject: requeue at its original position, or dead-letter / drop. `kind` says which
   * (quorum queues from 4.3 count only basic.reject towards the delivery-limit); the channel may
   * omit it, and a classic queue does not need it.
   */
  settleReject(
    qm: QueuedMessage,
    consumer: Consumer | undefined,
    requeue: boolean,
    _kind?: "nack" | "reject",
  ): void {
    this.unackedCount--;
    if (consumer) consumer.unacked--;
    if (requeue) {
      this.requeue(qm);
      return;
    }
    if (!this.broker.deadLetter(this, qm, "rejected")) {
      this.broker.recordFate(qm.msg.id, this.key, "rejected-dropped");
      this.emitDropped(qm.msg.id, "rejected");
    }
  }

  /** Back at its original position with redelivered=true; keeps its expiry (docs/ttl.md). */
  requeue(qm: QueuedMessage): void {
    qm.redelivered = true;
    this.pushReady(qm);
    // a requeue can take the queue over x-max-length: drop-head applies (rabbit_amqqueue_process
    // requeue -> maybe_drop_head; conformance: maxlen-counts-ready-only)
    if (this.parsed.overflow === "drop-head") this.enforceMaxLength();
  }

  // ---------------------------------------------------------------- lifecycle

  /** Use of the queue (consume, get, redeclare) renews its x-expires lease (docs/ttl.md#queue-ttl). */
  touch(): void {
    this.lastUsed = this.broker.sim.now;
  }

  private armLease(): void {
    const e = this.parsed.expires;
    if (e === undefined || this.deleted) return;
    this.leaseTimer = this.broker.sim.scheduleAt(this.lastUsed + e, onLeaseTimer, this);
  }

  onLeaseTimer(): void {
    this.leaseTimer = undefined;
    if (this.deleted) return;
    const e = this.parsed.expires!;
    if (this.consumers.length === 0 && this.broker.sim.now >= this.lastUsed + e) {
      // expired queues' messages are not dead-lettered (docs/dlx.md)
      this.broker.deleteQueue(this, "queue-deleted");
      return;
    }
    if (this.consumers.length > 0) this.lastUsed = this.broker.sim.now;
    this.armLease();
  }

  /** Remove every ready message (queue.purge / delete / finish), returning them. */
  drainReady(): QueuedMessage[] {
    const out: QueuedMessage[] = [];
    for (const l of this.levels) for (const m of l.drain()) out.push(m);
    out.sort((a, b) => a.seq - b.seq);
    this.expiring = 0;
    this.readyCount = 0;
    this.readyBytes = 0;
    return out;
  }

  /** Mark deleted and give every ready copy the fate `lost` (cause given). */
  markDeleted(cause: LossCause): void {
    this.deleted = true;
    if (this.expiryTimer !== undefined) this.broker.sim.cancel(this.expiryTimer);
    if (this.leaseTimer !== undefined) this.broker.sim.cancel(this.leaseTimer);
    for (const qm of this.drainReady()) this.broker.recordFate(qm.msg.id, this.key, "lost", cause);
  }

  /** Ready messages in delivery order, for inspection (tests, conformance checkpoints). */
  *readyMessages(): Iterable<QueuedMessage> {
    for (let i = this.levels.length - 1; i >= 0; i--) yield* this.levels[i]!;
  }

  private emitDropped(msgId: number, reason: "overflow" | "rejected"): void {
    const sig = this.broker.signals.dropped;
    if (sig.active) {
      sig.emit({
        time: this.broker.sim.now,
        queue: this.key,
        node: this.node,
        ready: this.readyCount,
        unacked: this.unackedCount,
        msgId,
        reason,
      });
    }
  }
}

function onExpiryTimer(q: Queue): void {
  q.broker.runtime.work(q.proc, "frame", {}, runExpiry, q);
}
function runExpiry(q: Queue): void {
  q.onExpiryTimer();
}
function onLeaseTimer(q: Queue): void {
  q.onLeaseTimer();
}
