import type { ConformanceCase } from "../case.js";
import { gets, publishTo } from "./helpers.js";

/** Probes of less travelled paths: AEs inside e2e walks and dead-lettering, duplicate bindings. */
export const probeCases: readonly ConformanceCase[] = [
  {
    name: "e2e-destination-alternate-exchange",
    rule: "an exchange reached through an e2e binding that routes nowhere passes the message to its own AE",
    source: "A. Alternate exchange + e2e; docs/ae.md, docs/e2e.md",
    channels: { A: { confirm: true } },
    topology: {
      exchanges: [
        { name: "dest-ae", type: "fanout" },
        { name: "dest", type: "direct", arguments: { "alternate-exchange": "dest-ae" } },
        { name: "src", type: "fanout" },
      ],
      queues: [{ name: "routed" }, { name: "via-ae" }],
      exchangeBindings: [{ destination: "dest", source: "src", key: "" }],
      bindings: [
        { queue: "routed", exchange: "dest", key: "k" },
        { queue: "via-ae", exchange: "dest-ae", key: "" },
      ],
    },
    steps: [
      { op: "publish", exchange: "src", key: "k", msg: "m1", mandatory: true },
      { op: "publish", exchange: "src", key: "other", msg: "m2", mandatory: true },
      { op: "check", queues: ["routed", "via-ae"] },
    ],
  },
  {
    name: "dlx-through-alternate-exchange",
    rule: "a dead-lettered message the DLX cannot route goes to the DLX's alternate exchange",
    source: "E. Dead-lettering + A. Alternate exchange; docs/dlx.md, docs/ae.md",
    topology: {
      exchanges: [
        { name: "dlx-ae", type: "fanout" },
        { name: "dlx", type: "direct", arguments: { "alternate-exchange": "dlx-ae" } },
      ],
      queues: [{ name: "caught" }, { name: "q", arguments: { "x-dead-letter-exchange": "dlx" } }],
      bindings: [{ queue: "caught", exchange: "dlx-ae", key: "" }],
    },
    steps: [
      ...publishTo("q", ["m1"]),
      ...gets("q", 1),
      { op: "reject", msg: "m1", requeue: false },
      { op: "check", queues: ["q", "caught"] },
      ...gets("caught", 1, { noAck: true }),
    ],
  },
  {
    name: "duplicate-bindings-one-copy",
    rule: "binding the same queue twice with one key is idempotent; several matching bindings give one copy",
    source: "A. One copy per queue; rabbit_exchange_type_topic.erl",
    topology: {
      exchanges: [
        { name: "t", type: "topic" },
        { name: "h", type: "headers" },
      ],
      queues: [{ name: "q" }, { name: "hq" }],
      bindings: [
        { queue: "q", exchange: "t", key: "a.*" },
        { queue: "q", exchange: "t", key: "a.*" },
        { queue: "q", exchange: "t", key: "#" },
        { queue: "hq", exchange: "h", key: "", arguments: { a: 1 } },
        { queue: "hq", exchange: "h", key: "", arguments: { "x-match": "any", a: 1, b: 2 } },
      ],
    },
    steps: [
      { op: "publish", exchange: "t", key: "a.b", msg: "m1" },
      { op: "unbindQueue", queue: "q", exchange: "t", key: "a.*" },
      { op: "publish", exchange: "t", key: "a.b", msg: "m2" },
      { op: "publish", exchange: "h", key: "", msg: "m3", props: { headers: { a: 1, b: 2 } } },
      { op: "check", queues: ["q", "hq"] },
    ],
  },
  {
    name: "unbind-missing-binding",
    rule: "unbinding a binding that does not exist succeeds when queue and exchange exist",
    source: "A. Exchanges; docs/specification.md (queue.unbind)",
    topology: { exchanges: [{ name: "x", type: "direct" }], queues: [{ name: "q" }] },
    steps: [
      { op: "unbindQueue", queue: "q", exchange: "x", key: "never" },
      { op: "unbindExchange", destination: "x", source: "amq.direct", key: "never" },
      { op: "bindQueue", queue: "q", exchange: "x", key: "k" },
      { op: "publish", exchange: "x", key: "k", msg: "m1" },
      { op: "check", queues: ["q"] },
    ],
  },
  {
    name: "exclusive-queue-delete-by-other-connection",
    rule: "deleting or purging another connection's exclusive queue is 405 RESOURCE_LOCKED",
    source: "C. Exclusive queue; docs/queues.md#exclusive-queues",
    channels: { A: { conn: "A" }, B1: { conn: "B" }, B2: { conn: "B" } },
    steps: [
      { op: "declareQueue", ch: "A", name: "ex", exclusive: true },
      { op: "deleteQueue", ch: "B1", name: "ex" },
      { op: "purgeQueue", ch: "B2", name: "ex" },
      { op: "check", queues: ["ex"], conn: "A" },
    ],
  },
  {
    name: "global-qos-and-basic-get",
    rule: "basic.get deliveries do not count against the channel's global prefetch window",
    source: "D. basic.qos; docs/consumer-prefetch.md",
    channels: { A: {}, P: {} },
    topology: { queues: [{ name: "q" }] },
    steps: [
      ...publishTo("q", ["m1", "m2", "m3"], undefined, "P"),
      { op: "qos", ch: "A", prefetch: 1, global: true },
      ...gets("q", 1, { ch: "A" }),
      { op: "consume", ch: "A", queue: "q", tag: "c1" },
      { op: "check", queues: ["q"] },
      { op: "ack", ch: "A", msg: "m1" },
      { op: "check", queues: ["q"] },
    ],
  },
  {
    name: "priority-max-zero-is-fifo",
    rule: "x-max-priority 0 makes no priority queue: priorities are ignored, delivery is FIFO",
    source: "E. Priority queues; docs/priority.md",
    topology: { queues: [{ name: "q", arguments: { "x-max-priority": 0 } }, { name: "plain" }] },
    steps: [
      { op: "publish", exchange: "", key: "q", msg: "p1", props: { priority: 1 } },
      { op: "publish", exchange: "", key: "q", msg: "p9", props: { priority: 9 } },
      { op: "publish", exchange: "", key: "plain", msg: "p1", props: { priority: 1 } },
      { op: "publish", exchange: "", key: "plain", msg: "p9", props: { priority: 9 } },
      ...gets("q", 2, { noAck: true }),
      ...gets("plain", 2, { noAck: true }),
    ],
  },
  {
    name: "auto-delete-queue-ack-after-delete",
    rule: "cancelling the last consumer deletes an auto-delete queue with its unacked message; a later ack is ignored",
    source: "C. Auto-delete queue; docs/queues.md#temporary-queues",
    channels: { A: {}, P: {} },
    topology: { queues: [{ name: "ad", autoDelete: true }] },
    steps: [
      { op: "consume", ch: "A", queue: "ad", tag: "c1" },
      ...publishTo("ad", ["m1", "m2"], undefined, "P"),
      { op: "cancel", ch: "A", tag: "c1" },
      { op: "check", queues: ["ad"] },
      { op: "ack", ch: "A", msg: "m1" },
      { op: "declareQueue", ch: "A", name: "after", autoDelete: true },
    ],
  },
  {
    name: "get-after-recover-redelivered",
    rule: "basic.recover requeues basic.get deliveries too; the next get has redelivered=true",
    source: "D. basic.recover; docs/specification.md (basic.recover)",
    topology: { queues: [{ name: "q" }] },
    steps: [...publishTo("q", ["m1", "m2"]), ...gets("q", 1), { op: "recover" }, ...gets("q", 3)],
  },
];
