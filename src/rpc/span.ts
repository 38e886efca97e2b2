import type { Nanoseconds } from "../engine/time.js";

export type SpanKind = "call" | "cast" | "fanout" | "notify";

/**
 * How a span ended. "open": still running when the run ended (a cast whose request was lost
 * never closes). "timeout": MessagingTimeout at the caller. "failed": the method raised (e.g. a
 * nested call timed out), its reply was abandoned, or the process that made or ran it was
 * restarted. "unroutable": no queue took the request.
 */
export type SpanOutcome = "ok" | "timeout" | "failed" | "unroutable" | "open";

/**
 * One RPC request, from the caller handing it to oslo.messaging to the caller getting its answer
 * (call) or the server finishing the method (cast). Times are simulated ns; -1 = not reached.
 * The phases the waterfall shows are differences of consecutive stamps:
 *   pool wait (requested → published), broker + network in (published → enqueued),
 *   queue wait (enqueued → delivered), executor wait (delivered → started),
 *   service (started → finished, nested calls included), reply (finished → replyDelivered),
 *   poll wait (replyDelivered → done).
 */
export interface Span {
  readonly id: number;
  /** The flow (trace) it belongs to; every root request starts its own trace. */
  readonly trace: number;
  /** The span whose method made this request; -1 for a root. */
  readonly parent: number;
  readonly kind: SpanKind;
  /** Target service (topic) and method. */
  readonly service: string;
  readonly method: string;
  readonly exchange: string;
  readonly routingKey: string;
  /** Caller process. */
  readonly from: string;
  /** Server process that ran the method ("" until delivered). */
  to: string;
  requested: Nanoseconds;
  published: Nanoseconds;
  enqueued: Nanoseconds;
  delivered: Nanoseconds;
  started: Nanoseconds;
  finished: Nanoseconds;
  replyDelivered: Nanoseconds;
  done: Nanoseconds;
  outcome: SpanOutcome;
  /** Call-monitor heartbeats received by the caller. */
  heartbeats: number;
  /** Reply publish retries because the reply queue was missing (0.25 s loop). */
  replyRetries: number;
}

export function newSpan(
  id: number,
  trace: number,
  parent: number,
  kind: SpanKind,
  service: string,
  method: string,
  exchange: string,
  routingKey: string,
  from: string,
  now: Nanoseconds,
): Span {
  return {
    id,
    trace,
    parent,
    kind,
    service,
    method,
    exchange,
    routingKey,
    from,
    to: "",
    requested: now,
    published: -1,
    enqueued: -1,
    delivered: -1,
    started: -1,
    finished: -1,
    replyDelivered: -1,
    done: -1,
    outcome: "open",
    heartbeats: 0,
    replyRetries: 0,
  };
}
