import type { RandomStream } from "../engine/random.js";
import type { Nanoseconds } from "../engine/time.js";
import type { OsloOptions } from "./options.js";

/**
 * Delay before reconnect attempt `attempt` (0-based) after a recoverable connection error:
 * kombu_reconnect_delay + kombu's ensure_connection interval (interval_start 1 s, growing by
 * interval_step 2 s, at most interval_max 30 s: 1, 3, 5, ... 29, 30, 30 s) + uniform(0, splay).
 * Source: reference openstack-rpc.md §1.3 / §1.8 (`impl_rabbit.py` `ensure`, kombu `retry_over_time`).
 */
export function reconnectDelay(o: OsloOptions, attempt: number, rng: RandomStream): Nanoseconds {
  const interval = Math.min(o.retryInterval + attempt * o.retryBackoff, o.retryIntervalMax);
  const splay = o.reconnectSplay > 0 ? Math.round(rng.next() * o.reconnectSplay) : 0;
  return o.reconnectDelay + interval + splay;
}
