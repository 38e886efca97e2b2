import type { Channel } from "../channel.js";
import type { Consumer } from "../consumer.js";
import type { LossCause } from "../fate.js";
import type { FieldTable, Message, QueuedMessage } from "../message.js";
import { Queue } from "../queue.js";
import { atLeast, type BrokerVersion } from "../version.js";

/** Default quorum-queue delivery-limit from RabbitMQ 4.0 (docs/quorum-queues/index.md#poison-message-handling). */
export const DEFAULT_DELIVERY_LIMIT_4X = 20;

/**
 * The effective delivery-limit of a quorum queue: x-delivery-limit (or the delivery-limit
 * policy, which the scenario layer turns into it) when set; otherwise none up to 3.13 and 20
 * from 4.0. From 4.0 a negative limit (-1) disables it. undefined = no limit.
 */
export function deliveryLimit(arg: unknown, version: BrokerVersion): number | undefined {
  const is4 = atLeast(version, 4, 0);
  if (typeof arg === "number" && Number.isFinite(arg)) {
    if (arg < 0) return undefined;
    return Math.floor(arg);
  }
  return is4 ? DEFAULT_DELIVERY_LIMIT_4X : undefined;
}

/**
 * How a delivery came back to a quorum queue: basic.nack / basic.reject with requeue=true,
 * basic.recover, or its channel (connection, node) going away with it unacked.
 */
export type ReturnKind = "nack" | "reject" | "recover" | "close";

export interface ReturnRule {
  /**
   * Behind every ready message, as a new log entry (rabbit_fifo `#requeue{}`), instead of into
   * the returns queue, which is delivered before the ready messages, in return order.
   */
  readonly toBack: boolean;
  /** Counts as a failed delivery (rabbit_fifo header `delivery_count`); every return counts as acquired. */
  readonly failed: boolean;
}

/**
 * Where a returned delivery goes and whether it counts as failed, per broker version. From
 * rabbitmq-server deps/rabbit/src (tags v3.10.8, v4.0.0, v4.3.0) and recorded on 3.10.8
 * (test/conformance/cases/quorum.ts):
 * - nack, reject and recover send `#return{}`; the leader's aux handler turns it into
 *   `#requeue{}` (to the back) when the queue has no delivery-limit, else applies it: into the
 *   returns queue (rabbit_fifo handle_aux #return, "for returns with a delivery limit set we can
 *   just return as before"; docs/quorum-queues/index.md#repeated-requeues, 3.13 to 4.2);
 * - a closed channel's deliveries come back by return_all (consumer down): returns queue, in
 *   delivery order, whatever the limit;
 * - 4.3: basic.reject requeue=true is `{modify, delivery_failed=true}` (rabbit_channel), applied
 *   directly: returns queue, and a failed delivery; nack and recover are not failed
 *   (docs/quorum-queues/index.md#repeated-requeues "Message Return Behavior (RabbitMQ 4.3+)").
 * - 3.x counts every return in delivery_count; 4.0 to 4.3 count channel closes as failed
 *   (return_all with DelivFailed = down); before 4.3 that count is not used.
 */
export function returnRule(version: BrokerVersion, kind: ReturnKind, hasLimit: boolean): ReturnRule {
  if (version.major === 3) return { toBack: kind !== "close" && !hasLimit, failed: true };
  const modify = kind === "reject" && atLeast(version, 4, 3);
  return { toBack: kind !== "close" && !modify && !hasLimit, failed: kind === "close" || modify };
}

/**
 * The count a quorum queue compares with its delivery-limit: up to 3.13 `delivery_count`,
 * which every return increments; 4.0 to 4.2 `acquired_count`, also every return (rabbit_fifo
 * return_one "AcquiredCount > DeliveryLimit"); from 4.3 `delivery_count`, failed returns only
 * (release notes 4.3.0: "The delivery limit is based on delivery-count rather than
 * acquired-count").
 */
export function limitCount(version: BrokerVersion, acquired: number, failed: number): number {
  return version.major === 4 && atLeast(version, 4, 3) ? failed : acquired;
}

/**
 * Headers a redelivery from a quorum queue carries (null: none). Up to 4.2 `x-delivery-count`
 * = times returned, on a redelivery only (rabbit_fifo_client add_delivery_count_header; 4.0 to
 * 4.2 set it from acquired_count); 3.10 and 3.11 also put `x-delivery-count: 0` on a first
 * basic.get (dequeue adds it whatever the count; 3.12 added `Count > 0`; recorded on 3.10.8).
 * From 4.3 `x-acquired-count` = times returned and `x-delivery-count` = failed returns, each
 * once non-zero (docs/quorum-queues/index.md#poison-message-handling).
 */
export function countHeaders(
  version: BrokerVersion,
  acquired: number,
  failed: number,
  viaGet: boolean,
): FieldTable | null {
  if (version.major === 4 && atLeast(version, 4, 3)) {
    if (acquired === 0) return null;
    return failed > 0
      ? { "x-acquired-count": acquired, "x-delivery-count": failed }
      : { "x-acquired-count": acquired };
  }
  if (acquired > 0 || (viaGet && version.major === 3 && version.minor <= 11))
    return { "x-delivery-count": acquired };
  return null;
}

/** A copy this queue made on a return (or a 3.10 / 3.11 basic.get): counts and the message as published. */
interface Counted extends QueuedMessage {
  /** The message as published: dead-lettering republishes it without the count headers. */
  readonly base: Message;
  /** Returns so far (rabbit_fifo acquired_count; delivery_count up to 3.13). */
  readonly acquired: number;
  /** Failed returns so far (rabbit_fifo delivery_count from 4.0). */
  readonly failed: number;
}

const isCounted = (qm: QueuedMessage): qm is Counted => (qm as Partial<Counted>).base !== undefined;

/** Seq of the first return into the returns queue: below every publication seq (>= 0), so ahead of them. */
const RETURNS_SEQ0 = Number.MIN_SAFE_INTEGER;

/**
 * A quorum queue's returns and poison-message handling (docs/quorum-queues/index.md
 * #poison-message-handling and #repeated-requeues, reference §F): where a returned delivery
 * goes and how it counts follow `returnRule` per broker version; a redelivery carries the
 * count headers of `countHeaders`; a message returned when its `limitCount` exceeds the
 * delivery-limit is dead-lettered with reason delivery_limit, or dropped (fate rejected-dropped,
 * dropped signal reason "delivery-limit") without a dead-letter exchange.
 *
 * The channel says whether a settlement was a nack or a reject (Queue.settleReject's `kind`); a
 * caller that does not is taken as a reject (on 4.3 a failed delivery). Known simplifications: a
 * basic.get delivery returned by basic.recover is taken as returned by a channel close (returns
 * queue); a returned message dead-lettered on expiry or max-length keeps its
 * x-delivery-count header (RabbitMQ adds it only on delivery).
 */
export class QuorumQueue extends Queue {
  readonly deliveryLimit: number | undefined;
  /** Cancelled consumers that may still hold unacked deliveries (they count as consumers). */
  private readonly lingering = new Set<Consumer>();
  /**
   * Channels of consumers that left this queue by a close (or a cancel with deliveries still
   * unacked). A return that is not a settlement, while one of them is closed but still holds
   * deliveries, comes from its requeue-all on close (Channel.brokerClose requeues synchronously,
   * then clears); otherwise it is a basic.recover.
   */
  private readonly watched = new Set<Channel>();
  /** basic.get deliveries: a return of one outside a settlement is taken as a close. */
  private readonly gotten = new WeakSet<QueuedMessage>();
  /** Set while Queue.settleReject runs: the settlement that is returning a delivery. */
  private settling: ReturnKind | undefined;
  private returnedSeq = RETURNS_SEQ0;

  constructor(...args: ConstructorParameters<typeof Queue>) {
    super(...args);
    this.deliveryLimit = deliveryLimit(this.args["x-delivery-limit"], this.broker.version);
  }

  /**
   * queue.declare-ok consumer_count: rabbit_fifo query_consumer_count counts every entry of its
   * consumer map, which also holds each unacked basic.get delivery (a one-shot dequeue consumer)
   * and each cancelled consumer until its deliveries are settled (recorded on 3.10.8:
   * quorum-consumer-count-includes-holders-of-unacked; the same query in 4.0 and 4.3).
   */
  override get consumerCount(): number {
    let attachedUnacked = 0;
    for (const c of this.consumers) attachedUnacked += c.unacked;
    let cancelled = 0;
    let cancelledUnacked = 0;
    for (const c of this.lingering) {
      if (c.unacked > 0 && c.channel.brokerOpen) {
        cancelled++;
        cancelledUnacked += c.unacked;
      } else this.lingering.delete(c);
    }
    const gets = this.unackedCount - attachedUnacked - cancelledUnacked;
    return this.consumers.length + cancelled + Math.max(0, gets);
  }

  override removeConsumer(c: Consumer): void {
    if (!c.channel.brokerOpen || c.unacked > 0) {
      if (this.watched.size >= 32) this.doneWatching();
      this.watched.add(c.channel);
    }
    if (c.unacked > 0 && c.channel.brokerOpen) {
      // settled or closed ones are dropped here too, so the set stays small without queries
      if (this.lingering.size >= 32) {
        for (const l of this.lingering)
          if (l.unacked === 0 || !l.channel.brokerOpen) this.lingering.delete(l);
      }
      this.lingering.add(c);
    }
    super.removeConsumer(c);
  }

  override get(): QueuedMessage | undefined {
    const qm = super.get();
    if (qm === undefined) return qm;
    const headers = isCounted(qm) ? null : countHeaders(this.broker.version, 0, 0, true);
    const out = headers === null ? qm : this.counted(qm, qm.seq, 0, 0, headers);
    this.gotten.add(out);
    return out;
  }

  override settleReject(
    qm: QueuedMessage,
    consumer: Consumer | undefined,
    requeue: boolean,
    kind?: "nack" | "reject",
  ): void {
    if (!requeue) {
      super.settleReject(isCounted(qm) ? { ...qm, msg: qm.base } : qm, consumer, false);
      return;
    }
    this.settling = kind ?? "reject";
    try {
      super.settleReject(qm, consumer, true);
    } finally {
      this.settling = undefined;
    }
  }

  override requeue(qm: QueuedMessage): void {
    const kind = this.settling ?? (this.gotten.has(qm) || this.doneWatching() ? "close" : "recover");
    const v = this.broker.version;
    const limit = this.deliveryLimit;
    const rule = returnRule(v, kind, limit !== undefined);
    const acquired = (isCounted(qm) ? qm.acquired : 0) + 1;
    const failed = (isCounted(qm) ? qm.failed : 0) + (rule.failed ? 1 : 0);
    if (limit !== undefined && limitCount(v, acquired, failed) > limit) {
      this.poisoned(isCounted(qm) ? { ...qm, msg: qm.base } : qm);
      return;
    }
    const seq = rule.toBack ? this.nextSeq() : this.returnedSeq++;
    super.requeue(this.counted(qm, seq, acquired, failed, countHeaders(v, acquired, failed, false)));
  }

  override markDeleted(cause: LossCause): void {
    this.watched.clear();
    this.lingering.clear();
    super.markDeleted(cause);
  }

  /**
   * Forgets watched channels that are closed and hold nothing any more; returns whether one is
   * closed and still holds deliveries (its requeue-all on close is running).
   */
  private doneWatching(): boolean {
    let closing = false;
    for (const ch of this.watched) {
      if (ch.brokerOpen) continue;
      if (ch.unackedCount > 0) closing = true;
      else this.watched.delete(ch);
    }
    return closing;
  }

  private counted(
    qm: QueuedMessage,
    seq: number,
    acquired: number,
    failed: number,
    headers: FieldTable | null,
  ): Counted {
    const base = isCounted(qm) ? qm.base : qm.msg;
    const msg =
      headers === null
        ? base
        : {
            ...base,
            properties: { ...base.properties, headers: { ...base.properties.headers, ...headers } },
          };
    return {
      msg,
      seq,
      enqueuedAt: qm.enqueuedAt,
      expiresAt: qm.expiresAt,
      priority: qm.priority,
      redelivered: qm.redelivered,
      deliveries: qm.deliveries,
      base,
      acquired,
      failed,
    };
  }

  /** Over the delivery-limit: dead-lettered (reason delivery_limit) or dropped. */
  private poisoned(qm: QueuedMessage): void {
    const b = this.broker;
    if (b.deadLetter(this, qm, "delivery_limit")) return;
    b.recordFate(qm.msg.id, this.key, "rejected-dropped");
    const sig = b.signals.dropped;
    if (sig.active) {
      sig.emit({
        time: b.sim.now,
        queue: this.key,
        node: this.node,
        ready: this.readyCount,
        unacked: this.unackedCount,
        msgId: qm.msg.id,
        reason: "delivery-limit",
      });
    }
  }
}
