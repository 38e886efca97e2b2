import { Signal } from "../engine/signal.js";
import type { Nanoseconds } from "../engine/time.js";
import type { Fate, LossCause } from "./fate.js";

/**
 * Typed signals the AMQP model emits at every step. The model keeps no statistics itself:
 * metrics collectors and traces subscribe here. Emit sites guard payload construction with
 * `if (signal.active)` so a run with no subscriber pays one property read per step.
 *
 * Identifiers: `msgId` is unique per published message in a run (dead-lettered copies keep the
 * msgId of the message they came from); `queue` and `exchange` are "vhost/name" keys only when the
 * scenario has several vhosts, otherwise the plain name; `node` is the broker node's name.
 */

interface At {
  /** Simulated time of the step. */
  readonly time: Nanoseconds;
}

interface QueueDepth {
  readonly queue: string;
  readonly node: string;
  /** Messages ready for delivery after this step. */
  readonly ready: number;
  /** Messages delivered and not yet acked after this step. */
  readonly unacked: number;
}

export interface PublishedSignal extends At {
  readonly msgId: number;
  readonly exchange: string;
  readonly routingKey: string;
  readonly bytes: number;
  readonly persistent: boolean;
  readonly mandatory: boolean;
  /** Who published: connection name (a producer / RPC client process). */
  readonly publisher: string;
  /** Time the client handed the message to its library; latency is measured from here. */
  readonly publishedAt: Nanoseconds;
}

export interface MatchedBinding {
  readonly source: string;
  readonly destination: string;
  readonly destinationKind: "queue" | "exchange";
  readonly key: string;
}

export interface RoutedSignal extends At {
  readonly msgId: number;
  readonly exchange: string;
  readonly routingKey: string;
  /** Queues that get a copy (de-duplicated). Empty when unroutable. */
  readonly queues: readonly string[];
  /** The bindings that matched, across exchange-to-exchange hops. */
  readonly bindings: readonly MatchedBinding[];
  /** Alternate exchanges tried, in order. */
  readonly alternates: readonly string[];
}

export interface EnqueuedSignal extends At, QueueDepth {
  readonly msgId: number;
  readonly bytes: number;
}

export interface DeliveredSignal extends At, QueueDepth {
  readonly msgId: number;
  readonly consumerTag: string;
  /** Connection name of the consumer. */
  readonly consumer: string;
  readonly deliveryTag: number;
  readonly redelivered: boolean;
  readonly autoAck: boolean;
  /** When the message was first published (for end-to-end latency). */
  readonly publishedAt: Nanoseconds;
  /** When this copy entered the queue (for queue wait). */
  readonly enqueuedAt: Nanoseconds;
  /** basic.get rather than basic.consume. */
  readonly viaGet: boolean;
}

export interface SettledSignal extends At, QueueDepth {
  readonly msgId: number;
  readonly consumer: string;
  readonly kind: "ack" | "nack" | "reject";
  readonly requeue: boolean;
  readonly publishedAt: Nanoseconds;
}

export interface ReturnedSignal extends At {
  readonly msgId: number;
  readonly exchange: string;
  readonly routingKey: string;
  readonly replyCode: number;
  readonly replyText: string;
}

export interface ConfirmedSignal extends At {
  readonly msgId: number;
  readonly publisher: string;
  readonly ack: boolean;
  readonly publishedAt: Nanoseconds;
}

export interface ExpiredSignal extends At, QueueDepth {
  readonly msgId: number;
}

export interface DeadLetteredSignal extends At, QueueDepth {
  readonly msgId: number;
  readonly reason: "rejected" | "expired" | "maxlen" | "delivery_limit";
  readonly deadLetterExchange: string;
  readonly routingKey: string;
}

export interface DroppedSignal extends At, QueueDepth {
  readonly msgId: number;
  readonly reason: "overflow" | "rejected" | "delivery-limit";
}

/** The final (or end-of-run) fate of one message copy. Exactly one per copy. */
export interface FateSignal extends At {
  readonly msgId: number;
  /** The queue that held the copy; null for an unroutable or returned message. */
  readonly queue: string | null;
  readonly fate: Fate;
  readonly lossCause?: LossCause;
  /** The broker had confirmed this message to its publisher before losing it. */
  readonly confirmedBeforeLoss?: boolean;
}

export interface ChannelErrorSignal extends At {
  readonly connection: string;
  readonly channel: number;
  readonly code: number;
  readonly text: string;
}

/** Something that happened to the broker or a client: crash, restart, partition, blocked ... */
export interface EventMarkerSignal extends At {
  readonly kind: string;
  readonly label: string;
  /** For faults that last: when the condition ends, if known. */
  readonly until?: Nanoseconds;
}

export class BrokerSignals {
  readonly published = new Signal<PublishedSignal>();
  readonly routed = new Signal<RoutedSignal>();
  readonly enqueued = new Signal<EnqueuedSignal>();
  readonly delivered = new Signal<DeliveredSignal>();
  readonly settled = new Signal<SettledSignal>();
  readonly returned = new Signal<ReturnedSignal>();
  readonly confirmed = new Signal<ConfirmedSignal>();
  readonly expired = new Signal<ExpiredSignal>();
  readonly deadLettered = new Signal<DeadLetteredSignal>();
  readonly dropped = new Signal<DroppedSignal>();
  readonly fate = new Signal<FateSignal>();
  readonly channelError = new Signal<ChannelErrorSignal>();
  readonly marker = new Signal<EventMarkerSignal>();
}
