import type { Nanoseconds } from "../engine/time.js";
import type { Span } from "./span.js";

/**
 * What the RPC layer needs from AMQP, in the driver's own words. The adapter in amqp-transport.ts
 * maps it onto the broker model's Channel API (assertExchange, assertQueue, bindQueue, consume,
 * publish with mandatory + confirms, ack), so RPC is built on the AMQP primitives and nothing is
 * special-cased inside the broker.
 */

/** The oslo message envelope, reduced to what the simulation needs (`common.py serialize_msg`). */
export interface RpcPayload {
  /**
   * The span this message belongs to. The AMQP model carries a message body opaquely, so the
   * simulation passes the span itself instead of a trace header it would have to look up.
   */
  readonly span: Span;
  /** `method` of the request, or "" for a reply. */
  readonly method: string;
  /** Request: `_msg_id` (calls only, else 0). Reply: the msg id answered. */
  readonly msgId: number;
  /** Request: `_reply_q` (calls only, else ""). */
  readonly replyTo: string;
  /** Reply: `ending` (true for the result; false for a call-monitor heartbeat). */
  readonly ending: boolean;
  /** Reply: the method raised (a failure travels back to the caller). */
  readonly failure: boolean;
  /** Request: `_timeout` (call_monitor_timeout), 0 when not set. */
  readonly callMonitorTimeout: Nanoseconds;
}

export interface TransportMessage {
  readonly bytes: number;
  readonly payload: RpcPayload;
}

export interface TransportDelivery {
  readonly payload: RpcPayload;
  /** When this copy entered its queue (broker queue wait starts here). */
  readonly enqueuedAt: Nanoseconds;
  readonly redelivered: boolean;
}

export type PublishOutcome = "ok" | "returned" | "nacked" | "closed";

export interface QueueOptions {
  readonly durable: boolean;
  readonly autoDelete: boolean;
  readonly exclusive: boolean;
  readonly arguments: Readonly<Record<string, string | number | boolean>>;
}

export interface ExchangeOptions {
  readonly durable: boolean;
  readonly autoDelete: boolean;
}

export type Done = (error: string | null) => void;

export interface TransportConnection {
  readonly name: string;
  /** Open and usable (false after the broker closed it or its node went down). */
  readonly open: boolean;
  declareExchange(name: string, type: "topic" | "fanout" | "direct", o: ExchangeOptions, done: Done): void;
  declareQueue(name: string, o: QueueOptions, done: Done): void;
  bindQueue(queue: string, exchange: string, key: string, done: Done): void;
  deleteQueue(name: string, done: Done): void;
  /** basic.cancel of this connection's consumer on `queue` (no-op if none). */
  cancel(queue: string, done: Done): void;
  /** prefetch 0 = unlimited. Manual ack. */
  consume(queue: string, prefetch: number, onMessage: (d: TransportDelivery) => void, done: Done): void;
  ack(d: TransportDelivery): void;
  /** Publish with publisher confirms; `done` runs on the confirm (after any basic.return). */
  publish(
    exchange: string,
    routingKey: string,
    message: TransportMessage,
    o: { readonly mandatory: boolean; readonly expiration?: Nanoseconds },
    done: (outcome: PublishOutcome) => void,
  ): void;
  close(): void;
}

export interface Transport {
  /**
   * Open a client connection named `name` (a process's listener, reply or pooled SEND connection).
   * `onLost` runs if the broker side closes it (node down, connection killed): the process then
   * reconnects with oslo's back-off.
   */
  connect(name: string, onLost: (reason: string) => void): TransportConnection;
  /** Put an event marker on the run's time axes (an RPC incident). */
  marker(kind: string, label: string): void;
}
