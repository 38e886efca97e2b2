import type { ConformanceCase } from "../case.js";
import { gets, publishTo } from "./helpers.js";

/** Third batch of probes: deletions and what they take along, mixed settles, timer-driven expiry. */
export const probeCases3: readonly ConformanceCase[] = [
  {
    name: "ack-multiple-mixed-get-and-consume",
    rule: "ack multiple settles basic.get and consumer deliveries alike and frees the consumer's prefetch",
    source: "D. ack / nack / reject; docs/confirms.md",
    channels: { A: {}, P: {} },
    topology: { queues: [{ name: "g" }, { name: "c" }] },
    steps: [
      ...publishTo("g", ["g1", "g2"], undefined, "P"),
      ...publishTo("c", ["c1", "c2", "c3"], undefined, "P"),
      ...gets("g", 1, { ch: "A" }),
      { op: "qos", ch: "A", prefetch: 1 },
      { op: "consume", ch: "A", queue: "c", tag: "k1" },
      ...gets("g", 1, { ch: "A" }),
      { op: "ack", ch: "A", msg: "g2", multiple: true },
      { op: "check", queues: ["g", "c"] },
    ],
  },
  {
    name: "nack-multiple-requeue-two-queues",
    rule: "nack multiple requeue=true returns each message to its own queue, at its original position",
    source: "D. Where a requeued message goes; docs/confirms.md#consumer-nacks-requeue",
    topology: { queues: [{ name: "q1" }, { name: "q2" }] },
    steps: [
      ...publishTo("q1", ["a1", "a2"]),
      ...publishTo("q2", ["b1", "b2"]),
      ...gets("q1", 1),
      ...gets("q2", 1),
      ...gets("q1", 1),
      { op: "nack", msg: "a2", multiple: true, requeue: true },
      ...gets("q1", 3, { noAck: true }),
      ...gets("q2", 3, { noAck: true }),
    ],
  },
  {
    name: "mandatory-after-queue-deleted",
    rule: "deleting a queue removes its bindings: a mandatory message that only matched them is returned",
    source: "B. mandatory + C. Queue lifecycle; docs/publishers/index.md",
    channels: { A: { confirm: true } },
    topology: {
      exchanges: [{ name: "d", type: "direct" }],
      queues: [{ name: "q" }],
      bindings: [{ queue: "q", exchange: "d", key: "k" }],
    },
    steps: [
      { op: "publish", exchange: "d", key: "k", msg: "m1", mandatory: true },
      { op: "deleteQueue", name: "q" },
      { op: "declareQueue", name: "q" },
      { op: "publish", exchange: "d", key: "k", msg: "m2", mandatory: true },
      { op: "publish", exchange: "", key: "q", msg: "m3", mandatory: true },
      { op: "check", queues: ["q"] },
    ],
  },
  {
    name: "dlx-default-exchange-missing-queue",
    rule: "dead-lettering through the default exchange to a queue that does not exist drops the message",
    source: "E. Dead-lettering; docs/dlx.md",
    topology: {
      queues: [
        { name: "q", arguments: { "x-dead-letter-exchange": "", "x-dead-letter-routing-key": "nowhere" } },
      ],
    },
    steps: [
      ...publishTo("q", ["m1"]),
      ...gets("q", 1),
      { op: "reject", msg: "m1", requeue: false },
      { op: "declareQueue", name: "nowhere" },
      { op: "check", queues: ["q", "nowhere"] },
    ],
  },
  {
    name: "ttl-dead-letters-on-timer-in-order",
    rule: "expired messages are dead-lettered by the queue's own timer, in queue order, with no client activity",
    source: "E. Per-queue message TTL + dead-lettering; docs/ttl.md, docs/dlx.md",
    topology: {
      exchanges: [{ name: "dlx", type: "fanout" }],
      queues: [
        { name: "dead" },
        { name: "q", arguments: { "x-message-ttl": 300, "x-dead-letter-exchange": "dlx" } },
      ],
      bindings: [{ queue: "dead", exchange: "dlx", key: "" }],
    },
    steps: [
      ...publishTo("q", ["m1", "m2", "m3"]),
      { op: "wait", ms: 900 },
      { op: "check", queues: ["dead"] },
      ...gets("dead", 4, { noAck: true }),
    ],
  },
  {
    name: "exclusive-queue-bind-and-passive-from-other-connection",
    rule: "binding or passively declaring another connection's exclusive queue is 405 RESOURCE_LOCKED",
    source: "C. Exclusive queue; docs/queues.md#exclusive-queues",
    channels: { A: { conn: "A" }, B1: { conn: "B" }, B2: { conn: "B" } },
    topology: { exchanges: [{ name: "x", type: "fanout" }] },
    steps: [
      { op: "declareQueue", ch: "A", name: "ex", exclusive: true },
      { op: "bindQueue", ch: "B1", queue: "ex", exchange: "x", key: "" },
      { op: "declareQueue", ch: "B2", name: "ex", passive: true },
      { op: "bindQueue", ch: "A", queue: "ex", exchange: "x", key: "" },
      { op: "publish", ch: "A", exchange: "x", key: "", msg: "m1" },
      { op: "check", queues: ["ex"], conn: "A" },
    ],
  },
  {
    name: "deleted-dlx-drops",
    rule: "a dead-letter exchange deleted after the queue was declared: dead-lettered messages are dropped",
    source: "E. Dead-lettering; docs/dlx.md",
    topology: {
      exchanges: [{ name: "dlx", type: "fanout" }],
      queues: [{ name: "dead" }, { name: "q", arguments: { "x-dead-letter-exchange": "dlx" } }],
      bindings: [{ queue: "dead", exchange: "dlx", key: "" }],
    },
    steps: [
      ...publishTo("q", ["m1", "m2"]),
      ...gets("q", 2),
      { op: "reject", msg: "m1", requeue: false },
      { op: "deleteExchange", name: "dlx" },
      { op: "reject", msg: "m2", requeue: false },
      { op: "check", queues: ["q", "dead"] },
    ],
  },
  {
    name: "exchange-delete-removes-e2e-bindings",
    rule: "deleting an exchange removes the bindings where it is source or destination",
    source: "A. Exchange-to-exchange bindings; docs/e2e.md",
    channels: { A: { confirm: true } },
    topology: {
      exchanges: [
        { name: "src", type: "fanout" },
        { name: "mid", type: "fanout" },
      ],
      queues: [{ name: "q" }],
      exchangeBindings: [{ destination: "mid", source: "src", key: "" }],
      bindings: [{ queue: "q", exchange: "mid", key: "" }],
    },
    steps: [
      { op: "publish", exchange: "src", key: "", msg: "m1", mandatory: true },
      { op: "deleteExchange", name: "mid" },
      { op: "declareExchange", name: "mid", type: "fanout" },
      { op: "bindQueue", queue: "q", exchange: "mid", key: "" },
      { op: "publish", exchange: "src", key: "", msg: "m2", mandatory: true },
      { op: "publish", exchange: "mid", key: "", msg: "m3", mandatory: true },
      { op: "check", queues: ["q"] },
    ],
  },
  {
    name: "consume-after-messages-expired",
    rule: "a consumer attached after messages expired receives nothing from them",
    source: "E. Per-queue message TTL; docs/ttl.md#per-queue-message-ttl",
    topology: { queues: [{ name: "q", arguments: { "x-message-ttl": 200 } }] },
    steps: [
      ...publishTo("q", ["m1", "m2"]),
      { op: "wait", ms: 600 },
      { op: "consume", queue: "q", tag: "c1" },
      ...publishTo("q", ["m3"]),
      { op: "check", queues: ["q"] },
    ],
  },
];
