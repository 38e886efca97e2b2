/**
 * oslo.messaging rabbit driver names (reference openstack-rpc.md §1.1, §1.2): the topic queue is
 * shared by every server of a topic, `<topic>.<host>` by the processes of one host, the fanout
 * queue is one per server process, the reply queue one per client process. Ids are counters, not
 * uuid4 hex, so runs are reproducible and names readable.
 */
export const topicQueue = (topic: string): string => topic;
export const serverQueue = (topic: string, host: string): string => `${topic}.${host}`;
export const fanoutExchange = (topic: string): string => `${topic}_fanout`;
export const fanoutQueue = (topic: string, processId: string): string => `${topic}_fanout_${processId}`;
export const replyQueue = (processId: string): string => `reply_${processId}`;
/** Notification queue the publisher declares: `<topic>.<priority>` (`notify/messaging.py`). */
export const notificationQueue = (topic: string, priority: string): string => `${topic}.${priority}`;
