import type { ConformanceCase } from "../case.js";
import { gets, publishTo } from "./helpers.js";

/** Fourth batch of probes: redelivery to waiting consumers, multi-hop dead-lettering, AE corners. */
export const probeCases4: readonly ConformanceCase[] = [
  {
    name: "round-robin-skips-full-consumer",
    rule: "round-robin passes over a consumer whose prefetch is full",
    source: "D. Round-robin + basic.qos; docs/consumer-prefetch.md",
    channels: { A: {}, B: {}, P: {} },
    topology: { queues: [{ name: "q" }] },
    steps: [
      { op: "qos", ch: "A", prefetch: 1 },
      { op: "consume", ch: "A", queue: "q", tag: "c1" },
      { op: "consume", ch: "B", queue: "q", tag: "c2", noAck: true },
      ...publishTo("q", ["m1", "m2", "m3", "m4"], undefined, "P"),
      { op: "ack", ch: "A", msg: "m1" },
      ...publishTo("q", ["m5", "m6"], undefined, "P"),
    ],
  },
  {
    name: "reject-requeue-to-waiting-consumer",
    rule: "a basic.get delivery rejected with requeue goes straight to a waiting consumer, redelivered",
    source: "D. Where a requeued message goes; docs/confirms.md#consumer-nacks-requeue",
    channels: { A: {}, C: {} },
    topology: { queues: [{ name: "q" }] },
    steps: [
      ...publishTo("q", ["m1"], undefined, "A"),
      ...gets("q", 1, { ch: "A" }),
      { op: "consume", ch: "C", queue: "q", tag: "c1", noAck: true },
      { op: "reject", ch: "A", msg: "m1", requeue: true },
    ],
  },
  {
    name: "dlx-multi-hop-routing-keys",
    rule: "each dead-lettering records the keys it used; x-death keeps one entry per {queue, reason}",
    source: "E. Dead-lettering; docs/dlx.md",
    topology: {
      exchanges: [
        { name: "in", type: "direct" },
        { name: "dlx", type: "topic" },
      ],
      queues: [
        {
          name: "q1",
          arguments: { "x-dead-letter-exchange": "dlx", "x-dead-letter-routing-key": "hop.two" },
        },
        { name: "q2", arguments: { "x-dead-letter-exchange": "dlx" } },
        { name: "q3" },
        { name: "cc" },
      ],
      bindings: [
        { queue: "q1", exchange: "in", key: "start" },
        { queue: "cc", exchange: "in", key: "copy" },
        { queue: "q2", exchange: "dlx", key: "hop.two" },
        { queue: "q3", exchange: "dlx", key: "hop.#" },
      ],
    },
    steps: [
      { op: "publish", exchange: "in", key: "start", msg: "m1", props: { CC: ["copy"] } },
      ...gets("q1", 1),
      { op: "reject", msg: "m1", requeue: false },
      ...gets("q2", 1),
      { op: "reject", msg: "m1", requeue: false },
      { op: "check", queues: ["q1", "q2", "q3", "cc"] },
      ...gets("q3", 3, { noAck: true }),
    ],
  },
  {
    name: "maxlen-drops-requeued-head-to-dlx",
    rule: "drop-head dead-letters a requeued (redelivered) head; its dead-lettered copy is not redelivered",
    source: "E. Max length + dead-lettering; docs/maxlength/index.md, docs/dlx.md",
    topology: {
      exchanges: [{ name: "dlx", type: "fanout" }],
      queues: [
        { name: "dead" },
        { name: "q", arguments: { "x-max-length": 2, "x-dead-letter-exchange": "dlx" } },
      ],
      bindings: [{ queue: "dead", exchange: "dlx", key: "" }],
    },
    steps: [
      ...publishTo("q", ["m1", "m2"]),
      ...gets("q", 1),
      { op: "nack", msg: "m1", requeue: true },
      ...publishTo("q", ["m3"]),
      { op: "check", queues: ["q", "dead"] },
      ...gets("dead", 2, { noAck: true }),
      ...gets("q", 3, { noAck: true }),
    ],
  },
  {
    name: "priority-kept-through-dlx",
    rule: "a dead-lettered message keeps its priority property and is ordered by it in a priority DLQ",
    source: "E. Dead-lettering + priority queues; docs/dlx.md, docs/priority.md",
    topology: {
      exchanges: [{ name: "dlx", type: "fanout" }],
      queues: [
        { name: "dead", arguments: { "x-max-priority": 5 } },
        { name: "q", arguments: { "x-dead-letter-exchange": "dlx" } },
      ],
      bindings: [{ queue: "dead", exchange: "dlx", key: "" }],
    },
    steps: [
      { op: "publish", exchange: "", key: "q", msg: "low", props: { priority: 1 } },
      { op: "publish", exchange: "", key: "q", msg: "high", props: { priority: 5 } },
      ...gets("q", 2),
      { op: "nack", msg: "high", multiple: true, requeue: false },
      ...gets("dead", 3, { noAck: true }),
    ],
  },
  {
    name: "exclusive-consumer-cancelled-frees-queue",
    rule: "once an exclusive consumer is cancelled other consumers may consume the queue",
    source: "D. Exclusive consumer; docs/consumers.md#exclusivity",
    channels: { A: {}, B: {}, P: {} },
    topology: { queues: [{ name: "q" }] },
    steps: [
      { op: "consume", ch: "A", queue: "q", tag: "c1", exclusive: true, noAck: true },
      { op: "cancel", ch: "A", tag: "c1" },
      { op: "consume", ch: "B", queue: "q", tag: "c2", noAck: true },
      ...publishTo("q", ["m1"], undefined, "P"),
    ],
  },
  {
    name: "e2e-self-binding",
    rule: "an exchange bound to itself routes each message once",
    source: "A. One copy per queue; docs/e2e.md",
    channels: { A: { confirm: true } },
    topology: {
      exchanges: [{ name: "x", type: "fanout" }],
      queues: [{ name: "q" }],
      exchangeBindings: [{ destination: "x", source: "x", key: "" }],
      bindings: [{ queue: "q", exchange: "x", key: "" }],
    },
    steps: [
      { op: "publish", exchange: "x", key: "", msg: "m1", mandatory: true },
      { op: "check", queues: ["q"] },
    ],
  },
  {
    name: "alternate-exchange-deleted",
    rule: "when an exchange's alternate exchange has been deleted, unroutable messages are dropped or returned",
    source: "A. Alternate exchange; docs/ae.md",
    channels: { A: { confirm: true } },
    topology: {
      exchanges: [
        { name: "ae", type: "fanout" },
        { name: "x", type: "direct", arguments: { "alternate-exchange": "ae" } },
      ],
      queues: [{ name: "caught" }],
      bindings: [{ queue: "caught", exchange: "ae", key: "" }],
    },
    steps: [
      { op: "publish", exchange: "x", key: "k", msg: "m1", mandatory: true },
      { op: "deleteExchange", name: "ae" },
      { op: "publish", exchange: "x", key: "k", msg: "m2", mandatory: true },
      { op: "check", queues: ["caught"] },
    ],
  },
  {
    name: "alternate-exchange-internal",
    rule: "an internal exchange works as an alternate exchange (internal only refuses client publishes)",
    source: "A. Alternate exchange + internal; docs/ae.md, docs/specification.md",
    channels: { A: { confirm: true } },
    topology: {
      exchanges: [
        { name: "ae", type: "fanout", internal: true },
        { name: "x", type: "direct", arguments: { "alternate-exchange": "ae" } },
      ],
      queues: [{ name: "caught" }],
      bindings: [{ queue: "caught", exchange: "ae", key: "" }],
    },
    steps: [
      { op: "publish", exchange: "x", key: "k", msg: "m1", mandatory: true },
      { op: "check", queues: ["caught"] },
    ],
  },
];
