import type { ConformanceCase, QueueDecl, Step } from "../case.js";
import { gets, publishTo } from "./helpers.js";

/**
 * Quorum queues (x-queue-type quorum; durable, a single replica on the recorder's one node):
 * where a returned delivery goes, the x-delivery-count header and the redelivered flag on each
 * redelivery, and poison-message dead-lettering at the delivery-limit. What 3.10.8 does is what
 * these record; the 4.x rules are in src/amqp/replicated/quorum-queue.ts with their sources.
 */
const POSITION =
  "D. Where a requeued message goes; docs/quorum-queues/index.md#repeated-requeues (3.13: back without a delivery-limit, near the head with one)";
const POISON = "F. Poison-message handling; docs/quorum-queues/index.md#poison-message-handling";

/**
 * The same consumer's nack-requeue of m1 with m2 still unacked, then acks of everything it gets:
 * run on a quorum queue without and with a delivery-limit, whose return positions differ.
 */
const nackRequeueWhileConsuming: Step[] = [
  ...publishTo("q", ["m1", "m2", "m3", "m4"]),
  { op: "qos", prefetch: 2 },
  { op: "consume", queue: "q", tag: "c1" },
  { op: "nack", msg: "m1", requeue: true },
  { op: "ack", tag: 3, multiple: true },
  { op: "ack", tag: 5, multiple: true },
  { op: "check", queues: ["q"] },
];

const qq = (name: string, args: Record<string, string | number> = {}): QueueDecl => ({
  name,
  durable: true,
  arguments: { "x-queue-type": "quorum", ...args },
});

export const quorumCases: readonly ConformanceCase[] = [
  {
    name: "quorum-get-requeue-without-limit-goes-to-back",
    rule: "without a delivery-limit, a basic.get delivery nacked or rejected with requeue goes to the back of a quorum queue; x-delivery-count counts its returns",
    source: POSITION,
    topology: { queues: [qq("q")] },
    steps: [
      ...publishTo("q", ["m1", "m2", "m3"]),
      ...gets("q", 2),
      { op: "nack", msg: "m1", requeue: true },
      ...gets("q", 1),
      { op: "reject", msg: "m2", requeue: true },
      { op: "check", queues: ["q"] },
      ...gets("q", 3),
      { op: "nack", msg: "m1", requeue: true },
      ...gets("q", 1),
      { op: "ack", msg: "m1", multiple: true },
      { op: "check", queues: ["q"] },
    ],
  },
  {
    name: "quorum-get-requeue-with-limit-goes-to-head",
    rule: "with a delivery-limit, a basic.get delivery nacked or rejected with requeue goes back near the head of a quorum queue",
    source: POSITION,
    topology: { queues: [qq("q", { "x-delivery-limit": 5 })] },
    steps: [
      ...publishTo("q", ["m1", "m2", "m3"]),
      ...gets("q", 2),
      { op: "nack", msg: "m1", requeue: true },
      ...gets("q", 1),
      { op: "reject", msg: "m2", requeue: true },
      { op: "nack", msg: "m1", requeue: true },
      { op: "check", queues: ["q"] },
      ...gets("q", 4),
      { op: "ack", msg: "m3", multiple: true },
    ],
  },
  {
    name: "quorum-consumer-nack-requeue-without-limit",
    rule: "a consumer's nack with requeue puts the delivery behind the ready messages of a quorum queue without a delivery-limit; it comes back redelivered with x-delivery-count 1",
    source: POSITION,
    topology: { queues: [qq("q")] },
    steps: nackRequeueWhileConsuming,
  },
  {
    name: "quorum-consumer-nack-requeue-with-limit",
    rule: "a consumer's nack with requeue on a quorum queue with a delivery-limit is redelivered before the ready messages",
    source: POSITION,
    topology: { queues: [qq("q", { "x-delivery-limit": 5 })] },
    steps: nackRequeueWhileConsuming,
  },
  {
    name: "quorum-channel-close-requeues-to-head",
    rule: "unacked deliveries of a closed channel go back to the head of a quorum queue (no delivery-limit), in order, each with x-delivery-count 1",
    source:
      "D. Automatic requeue; docs/confirms.md#automatic-requeueing, docs/quorum-queues/index.md#poison-message-handling",
    channels: { A: {}, B: {} },
    topology: { queues: [qq("q")] },
    steps: [
      ...publishTo("q", ["m1", "m2", "m3", "m4"]),
      { op: "qos", ch: "B", prefetch: 2 },
      { op: "consume", ch: "B", queue: "q", tag: "c1" },
      { op: "closeChannel", ch: "B" },
      { op: "check", queues: ["q"] },
      ...gets("q", 5),
    ],
  },
  {
    name: "quorum-recover-requeue",
    rule: "basic.recover returns a quorum queue's unacked deliveries like a nack with requeue (behind the ready messages without a delivery-limit)",
    source:
      "D. Where a requeued message goes; docs/confirms.md, docs/quorum-queues/index.md#repeated-requeues",
    topology: { queues: [qq("q")] },
    steps: [
      ...publishTo("q", ["m1", "m2", "m3", "m4"]),
      { op: "qos", prefetch: 2 },
      { op: "consume", queue: "q", tag: "c1" },
      { op: "recover" },
      { op: "ack", tag: 4, multiple: true },
      { op: "ack", tag: 6, multiple: true },
      { op: "check", queues: ["q"] },
    ],
  },
  {
    name: "quorum-delivery-limit-dead-letters",
    rule: "a quorum-queue message returned when its delivery count would exceed x-delivery-limit is dead-lettered with reason delivery_limit",
    source: POISON,
    topology: {
      exchanges: [{ name: "dlx", type: "fanout" }],
      queues: [{ name: "dead" }, qq("q", { "x-delivery-limit": 1, "x-dead-letter-exchange": "dlx" })],
      bindings: [{ queue: "dead", exchange: "dlx", key: "" }],
    },
    steps: [
      ...publishTo("q", ["m1"], { headers: { app: "x" } }),
      ...gets("q", 1),
      { op: "reject", msg: "m1", requeue: true },
      ...gets("q", 1),
      { op: "nack", msg: "m1", requeue: true },
      { op: "check", queues: ["q", "dead"] },
      ...gets("dead", 1),
      ...gets("q", 1),
    ],
  },
  {
    name: "quorum-delivery-limit-counts-channel-close",
    rule: "unacked deliveries returned by a channel close count towards a quorum queue's delivery-limit",
    source: POISON,
    channels: { A: {}, B: {}, C: {} },
    topology: {
      exchanges: [{ name: "dlx", type: "fanout" }],
      queues: [{ name: "dead" }, qq("q", { "x-delivery-limit": 1, "x-dead-letter-exchange": "dlx" })],
      bindings: [{ queue: "dead", exchange: "dlx", key: "" }],
    },
    steps: [
      ...publishTo("q", ["m1", "m2"]),
      { op: "qos", ch: "B", prefetch: 1 },
      { op: "consume", ch: "B", queue: "q", tag: "c1" },
      { op: "closeChannel", ch: "B" },
      { op: "qos", ch: "C", prefetch: 1 },
      { op: "consume", ch: "C", queue: "q", tag: "c2" },
      { op: "closeChannel", ch: "C" },
      { op: "check", queues: ["q", "dead"] },
      ...gets("dead", 2),
      ...gets("q", 2),
    ],
  },
  {
    name: "quorum-delivery-limit-zero-drops-without-dlx",
    rule: "with x-delivery-limit 0 and no dead-letter exchange, a quorum-queue message is dropped at its first return",
    source: POISON,
    topology: { queues: [qq("q", { "x-delivery-limit": 0 })] },
    steps: [
      ...publishTo("q", ["m1", "m2"]),
      ...gets("q", 1),
      { op: "nack", msg: "m1", requeue: true },
      { op: "check", queues: ["q"] },
      ...gets("q", 2),
    ],
  },
  {
    name: "quorum-consumer-count-includes-holders-of-unacked",
    rule: "a quorum queue's consumer count (queue.declare-ok) includes basic.get holders and cancelled consumers while they hold unacked deliveries",
    source: "C. queue.declare-ok consumer_count; rabbit_fifo query_consumer_count (3.10.8)",
    channels: { A: {}, B: {}, C: {} },
    topology: { queues: [qq("q")] },
    steps: [
      ...publishTo("q", ["m1", "m2", "m3", "m4", "m5"]),
      ...gets("q", 2, { ch: "A" }),
      { op: "check", queues: ["q"] },
      ...gets("q", 1, { ch: "B" }),
      { op: "check", queues: ["q"] },
      { op: "qos", ch: "C", prefetch: 1 },
      { op: "consume", ch: "C", queue: "q", tag: "c1" },
      { op: "cancel", ch: "C", tag: "c1" },
      { op: "check", queues: ["q"] },
      { op: "ack", ch: "A", msg: "m2", multiple: true },
      { op: "check", queues: ["q"] },
      { op: "ack", ch: "C", msg: "m4" },
      { op: "check", queues: ["q"] },
    ],
  },
];
