/**
 * Every message copy ends in exactly one fate (DESIGN.md "Message fates"). A copy is one message
 * routed to one queue; an unroutable message is one copy with no queue. Dead-lettering ends the
 * copy in its queue and starts a new copy in each queue the dead-letter exchange routes to.
 */
export const FATES = [
  "acked", // consumer acked (manual ack mode)
  "auto-acked", // delivered to a no-ack consumer, or by basic.get with no-ack
  "unroutable-dropped", // routed to no queue, not mandatory (or AE chain found none)
  "returned", // routed to no queue, mandatory: basic.return 312 NO_ROUTE
  "expired", // message TTL ran out at the head of its queue, no DLX
  "overflow-dropped", // x-max-length / bytes: drop-head or reject-publish, no DLX
  "rejected-dropped", // nack / reject with requeue=false, no DLX
  "dead-lettered", // republished to the queue's DLX (the new copies have fates of their own)
  "lost", // the queue's node crashed or the queue was deleted with the message in it
  "queued", // still ready in a queue when the run ended
  "in-flight", // delivered but not yet settled, or on the wire, when the run ended
] as const;

export type Fate = (typeof FATES)[number];

/** Why a lost message was lost: the causes Jepsen's queue checker distinguishes, and ours. */
export const LOSS_CAUSES = [
  "node-crash", // transient message or transient queue on a crashed node
  "queue-deleted", // queue deleted, expired (x-expires) or auto-deleted with messages in it
  "mirror-promotion", // unsynchronised mirror promoted; messages only the old leader had
  "partition-heal", // the losing side's changes discarded when a partition healed
  "connection-closed", // exclusive queue died with its connection
  "network", // dropped on a lossy link before the broker accepted it
  "purged", // removed by queue.purge
] as const;

export type LossCause = (typeof LOSS_CAUSES)[number];
