import type { RandomStream } from "../engine/random.js";
import type { Nanoseconds } from "../engine/time.js";

/**
 * How a client reconnects after its connection drops (a node crash, a pause, a reset): which node
 * it tries next and how long it waits. Pure: the client layer asks `next(attempt)` and schedules
 * the attempt itself. The defaults (1 s doubling to 30 s, 10 % jitter) are assumptions: the Java
 * client's automatic recovery waits a fixed 5 s by default, oslo.messaging grows its interval
 * 1, 3, 5 ... 30 s (src/rpc/backoff.ts); set them to what the modelled application does.
 */
export interface ReconnectPolicy {
  /** Nodes to try, in order; the list wraps around (the client's address list / failover list). */
  readonly nodes: readonly string[];
  /** Delay before the first attempt, ns. */
  readonly initialDelay: Nanoseconds;
  /** Each further attempt waits this many times longer ... */
  readonly multiplier: number;
  /** ... up to this, ns. */
  readonly maxDelay: Nanoseconds;
  /** A uniform random extra of up to this fraction of the delay (spreads reconnect storms). */
  readonly jitter: number;
}

export const DEFAULT_RECONNECT: Omit<ReconnectPolicy, "nodes"> = {
  initialDelay: 1_000_000_000,
  multiplier: 2,
  maxDelay: 30_000_000_000,
  jitter: 0.1,
};

/** Attempt `attempt` (0-based) after a drop from `lastNode`: the next node of the list and the wait before trying it. */
export function nextAttempt(
  p: ReconnectPolicy,
  lastNode: string,
  attempt: number,
  rng: RandomStream,
): { readonly node: string; readonly delay: Nanoseconds } {
  if (p.nodes.length === 0) throw new RangeError("a reconnect policy needs at least one node");
  const i = p.nodes.indexOf(lastNode);
  const node = p.nodes[(i + 1 + attempt) % p.nodes.length]!;
  const base = Math.min(p.maxDelay, p.initialDelay * p.multiplier ** attempt);
  const delay = Math.round(base * (1 + (p.jitter > 0 ? p.jitter * rng.next() : 0)));
  return { node, delay };
}

/** RabbitMQ's default heartbeat timeout the server proposes, seconds (docs/heartbeats.md). */
export const SERVER_HEARTBEAT_SECONDS = 60;

/**
 * Negotiated heartbeat timeout, seconds (docs/heartbeats.md): the official clients use the
 * larger proposal when either side proposes 0, otherwise the smaller; 0 = disabled (both 0).
 */
export function negotiateHeartbeat(clientSeconds: number, serverSeconds: number): number {
  if (clientSeconds === 0 || serverSeconds === 0) return Math.max(clientSeconds, serverSeconds);
  return Math.min(clientSeconds, serverSeconds);
}

/**
 * How long after its peer silently disappears a client notices, ns: heartbeat frames go every
 * timeout / 2 and the peer is declared dead after two missed ones, i.e. about one timeout
 * (docs/heartbeats.md). Infinity when heartbeats are disabled (only TCP keepalive would notice).
 */
export function heartbeatDetection(timeoutSeconds: number): Nanoseconds {
  return timeoutSeconds === 0 ? Number.POSITIVE_INFINITY : Math.round(timeoutSeconds * 1e9);
}
