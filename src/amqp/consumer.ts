import type { Channel } from "./channel.js";
import type { FieldTable } from "./message.js";
import type { Queue } from "./queue.js";

/** A basic.consume subscription, broker side. */
export class Consumer {
  /** Unacked deliveries to this consumer (its per-consumer prefetch counts these). */
  unacked = 0;
  /**
   * Found blocked (prefetch full) by its queue: out of the round-robin until it can take again,
   * then it rejoins at the back (rabbit_queue_consumers' blocked set).
   */
  parked = false;
  constructor(
    readonly tag: string,
    readonly channel: Channel,
    readonly queue: Queue,
    readonly noAck: boolean,
    readonly exclusive: boolean,
    /** x-priority argument (docs/consumer-priority.md), default 0. */
    readonly priority: number,
    /** Per-consumer prefetch (basic.qos global=false in force when it was created); 0 = unlimited. */
    readonly prefetch: number,
    readonly args: FieldTable,
  ) {}

  /** Can take one more delivery now: channel open and both prefetch limits below their counts. */
  canTake(): boolean {
    if (this.noAck) return this.channel.brokerOpen;
    if (this.prefetch !== 0 && this.unacked >= this.prefetch) return false;
    return this.channel.brokerOpen && this.channel.hasGlobalCredit();
  }
}
