import type { Nanoseconds } from "../engine/time.js";
import { milliseconds, seconds } from "../engine/time.js";

/**
 * oslo.messaging rabbit driver settings that shape the AMQP traffic. Defaults are master's
 * (reference openstack-rpc.md §1.3 and §5.7, each with its source file); every one can be
 * overridden per scenario to reproduce an older release or a tuned deployment.
 */
export interface OsloOptions {
  /** `[DEFAULT] control_exchange`: the topic exchange RPC goes through ("nova", "neutron"). */
  readonly controlExchange: string;
  /** `amqp_durable_queues` (False): durable control exchange and `<topic>` / `<topic>.<host>` queues. */
  readonly durableQueues: boolean;
  /** `amqp_auto_delete` (False). */
  readonly autoDelete: boolean;
  /** `rabbit_ha_queues` (False): adds `x-ha-policy: all` (classic mirrored queues). */
  readonly haQueues: boolean;
  /** `rabbit_quorum_queue` (False): `x-queue-type: quorum` on the topic queues; forces durable. */
  readonly quorumQueues: boolean;
  /** `rabbit_transient_quorum_queue` (False): quorum queues for reply and fanout queues. */
  readonly transientQuorumQueues: boolean;
  /** `rabbit_transient_queues_ttl` (1800 s): x-expires on reply and fanout queues; 0 disables it. */
  readonly transientQueuesTtl: Nanoseconds;
  /** `rabbit_qos_prefetch_count` (0 = unlimited), applied to LISTEN channels only. */
  readonly prefetch: number;
  /** Before Train (oslo.messaging 10.0.0) each reply queue had its own direct exchange `reply_<id>`. */
  readonly replyExchanges: boolean;
  /** `[DEFAULT] rpc_response_timeout` (60 s): the call timeout and the request's per-message TTL. */
  readonly responseTimeout: Nanoseconds;
  /** `[DEFAULT] executor_thread_pool_size` (64): futurist ThreadPoolExecutor workers per RPC server. */
  readonly executorThreads: number;
  /** `rpc_conn_pool_size` (30): SEND connections per process. */
  readonly connPoolSize: number;
  /** `kombu_missing_consumer_retry_timeout` (60 s): how long a server retries a reply to a missing queue. */
  readonly missingConsumerRetryTimeout: Nanoseconds;
  /** Retry period of that loop (0.25 s, `amqpdriver.py` `AMQPIncomingMessage.reply`). */
  readonly missingConsumerRetryInterval: Nanoseconds;
  /** ObsoleteReplyQueuesCache TTL (60 s): replies to a queue abandoned this recently are dropped at once. */
  readonly obsoleteReplyTtl: Nanoseconds;
  /**
   * ReplyWaiters.get polls its per-msg_id queue every 0.5 s (commit b62208a5, release 14.8.0), so a
   * reply is picked up on the next multiple of 0.5 s after the wait began. 0 = picked up at once.
   */
  readonly replyPollInterval: Nanoseconds;
  /** `kombu_reconnect_delay` (1 s), slept on each recoverable error before the next attempt. */
  readonly reconnectDelay: Nanoseconds;
  /** `rabbit_retry_interval` / `rabbit_retry_backoff` / `rabbit_interval_max`: 1 s, +2 s, at most 30 s. */
  readonly retryInterval: Nanoseconds;
  readonly retryBackoff: Nanoseconds;
  readonly retryIntervalMax: Nanoseconds;
  /** `kombu_reconnect_splay` (0): extra uniform(0, splay) delay per attempt (added 2024). */
  readonly reconnectSplay: Nanoseconds;
}

export const OSLO_DEFAULTS: OsloOptions = {
  controlExchange: "openstack",
  durableQueues: false,
  autoDelete: false,
  haQueues: false,
  quorumQueues: false,
  transientQuorumQueues: false,
  transientQueuesTtl: seconds(1800),
  prefetch: 0,
  replyExchanges: false,
  responseTimeout: seconds(60),
  executorThreads: 64,
  connPoolSize: 30,
  missingConsumerRetryTimeout: seconds(60),
  missingConsumerRetryInterval: milliseconds(250),
  obsoleteReplyTtl: seconds(60),
  replyPollInterval: milliseconds(500),
  reconnectDelay: seconds(1),
  retryInterval: seconds(1),
  retryBackoff: seconds(2),
  retryIntervalMax: seconds(30),
  reconnectSplay: 0,
};

export function osloOptions(overrides: Partial<OsloOptions> = {}): OsloOptions {
  const o = { ...OSLO_DEFAULTS, ...overrides };
  if (o.quorumQueues && o.haQueues) {
    // impl_rabbit.py raises RuntimeError for this combination.
    throw new RangeError("rabbit_quorum_queue cannot be combined with rabbit_ha_queues");
  }
  return o;
}
