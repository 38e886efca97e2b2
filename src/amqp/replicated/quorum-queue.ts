import type { QueuedMessage } from "../message.js";
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
 * A quorum queue's poison-message handling (docs/quorum-queues/index.md#poison-message-handling,
 * reference §F): every return of a delivery to the queue (nack / reject with requeue, the
 * consumer's channel or connection closing, recover) counts; a message returned when it has
 * been delivered more than the delivery-limit times is dead-lettered with reason delivery_limit,
 * or dropped (fate rejected-dropped, dropped signal reason "delivery-limit") when the queue has
 * no dead-letter exchange. So a message is delivered at most limit + 1 times.
 *
 * Simplified: 4.3 counts only failed deliveries (reject, connection loss), not basic.nack; here
 * every return counts in every version. The x-delivery-count header is not added.
 */
export class QuorumQueue extends Queue {
  readonly deliveryLimit: number | undefined;

  constructor(...args: ConstructorParameters<typeof Queue>) {
    super(...args);
    this.deliveryLimit = deliveryLimit(this.args["x-delivery-limit"], this.broker.version);
  }

  override requeue(qm: QueuedMessage): void {
    const limit = this.deliveryLimit;
    if (limit === undefined || qm.deliveries <= limit) {
      super.requeue(qm);
      return;
    }
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
