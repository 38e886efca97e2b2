/**
 * Cases where the simulator does not yet do what RabbitMQ 3.10.8 did, each with the reason. The
 * replay test asserts that a listed case still differs: when the model is fixed, the test fails
 * until the case is removed from this list. Expected / got for each: DIFFERENCES.md.
 */
const LAST_DEATH = "model adds x-last-death-* headers; RabbitMQ 3.10.8 sets only x-first-death-*";

export const KNOWN_DIFFERENCES: Readonly<Record<string, string>> = {
  "ttl-zero-dead-letters": LAST_DEATH,
  "ttl-requeued-keeps-expiry": LAST_DEATH,
  "maxlen-drop-head-dead-letters": LAST_DEATH,
  "maxlen-reject-publish-dlx": LAST_DEATH,
  "dlx-rejected-x-death": LAST_DEATH,
  "dlx-expired-x-death": LAST_DEATH,
  "dlx-routing-key-override-drops-cc": LAST_DEATH,
  "dlx-cycle-with-rejection-counts": LAST_DEATH,
  "dlx-two-hop-first-and-last-death": LAST_DEATH,
  "dlx-nack-multiple-in-order": LAST_DEATH,
  "ttl-expires-only-at-head":
    "basic.get-ok message-count: RabbitMQ drops expired messages that reach the head before counting",
  "priority-expired-behind-higher":
    "basic.get-ok message-count: RabbitMQ drops expired messages that reach the head before counting",
  "maxlen-counts-ready-only":
    "a requeue into a queue at x-max-length: RabbitMQ drops the head, the model does not",
  "prefetch-global-and-per-consumer":
    "RabbitMQ 3.10.8 delivered 4 with qos(3, global) + qos(2, per consumer); the model stops at 3",
  "cancel-notification-on-queue-delete":
    "ack of a delivery from a deleted queue: RabbitMQ ignores it, the model closes the channel with 406",
  "queue-expires-lease-renewed":
    "RabbitMQ 3.10.8 does not renew the x-expires lease on a redeclare; the model does",
  "declare-unknown-exchange-type":
    "unknown exchange type: RabbitMQ closes the connection (503), the model only the channel",
  "single-active-consumer-exclusive-consume":
    "RabbitMQ refuses an exclusive consumer on a single-active-consumer queue with 403; the model accepts it",
  "single-active-consumer-ignores-priority":
    "classic SAC queue: RabbitMQ 3.10.8 keeps the first consumer active; the model picks the higher x-priority",
};
