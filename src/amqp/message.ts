import type { Nanoseconds } from "../engine/time.js";

/** A header / argument value as amqplib encodes it; `null` is AMQP's void type. */
export type FieldValue = string | number | boolean | null | FieldValue[] | { [key: string]: FieldValue };
export type FieldTable = { [key: string]: FieldValue };

/** basic.properties with amqplib's names. */
export interface MessageProperties {
  readonly contentType?: string;
  readonly contentEncoding?: string;
  readonly headers?: FieldTable;
  /** 1 = transient, 2 = persistent. */
  readonly deliveryMode?: 1 | 2;
  readonly priority?: number;
  readonly correlationId?: string;
  readonly replyTo?: string;
  /** Per-message TTL: a string of milliseconds (docs/ttl.md#per-message-ttl-in-publishers). */
  readonly expiration?: string;
  readonly messageId?: string;
  /** Seconds since the epoch of the simulation, as the client chose it. */
  readonly timestamp?: number;
  readonly type?: string;
  readonly userId?: string;
  readonly appId?: string;
}

/** What a client publishes: a size (the simulator moves no real bytes), properties, an opaque body. */
export interface Content {
  /** Body size in bytes (per-byte costs, x-max-length-bytes). */
  readonly bytes: number;
  readonly properties?: MessageProperties;
  /** Opaque payload carried unchanged to consumers (RPC method names, request ids ...). */
  readonly body?: unknown;
}

/** One published message, shared by all its queue copies. Immutable once routed. */
export interface Message {
  /** Unique per published message in a run; dead-lettered copies keep it. */
  readonly id: number;
  readonly exchange: string;
  readonly routingKey: string;
  /** Extra routing keys from CC (kept in headers) and BCC (removed before delivery). */
  readonly ccKeys: readonly string[];
  readonly bytes: number;
  readonly body: unknown;
  readonly properties: MessageProperties;
  readonly persistent: boolean;
  /** Connection name of the publisher. */
  readonly publisher: string;
  /** When the client published it; end-to-end latency starts here. */
  readonly publishedAt: Nanoseconds;
}

/** One copy of a message in one queue. */
export interface QueuedMessage {
  readonly msg: Message;
  /** Position in the queue's publication order: requeues go back to it (docs/semantics.md#ordering). */
  readonly seq: number;
  readonly enqueuedAt: Nanoseconds;
  /** Absolute simulated time when it expires (Infinity: never). Kept across requeues. */
  readonly expiresAt: Nanoseconds;
  /** Effective priority in a priority queue (0 .. x-max-priority). */
  readonly priority: number;
  redelivered: boolean;
  /** Times delivered (for x-delivery-count / delivery limits in replicated queue types). */
  deliveries: number;
}
