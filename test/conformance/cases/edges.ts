import type { ConformanceCase } from "../case.js";
import { gets, publishTo, routingCase } from "./helpers.js";

/** Interactions and less common paths: pre-declared exchanges, tags, qos timing, TTL + prefetch. */
export const edgeCases: readonly ConformanceCase[] = [
  {
    name: "predeclared-amq-exchanges",
    rule: "every vhost has amq.direct, amq.fanout, amq.topic, amq.headers and amq.match, usable at once",
    source: "A. Exchanges; docs/exchanges.md (pre-declared exchanges)",
    topology: {
      queues: [{ name: "d" }, { name: "f" }, { name: "t" }, { name: "h" }, { name: "m" }],
      bindings: [
        { queue: "d", exchange: "amq.direct", key: "k" },
        { queue: "f", exchange: "amq.fanout", key: "" },
        { queue: "t", exchange: "amq.topic", key: "k.#" },
        { queue: "h", exchange: "amq.headers", key: "", arguments: { a: 1 } },
        { queue: "m", exchange: "amq.match", key: "", arguments: { "x-match": "any", a: 1, b: 2 } },
      ],
    },
    steps: [
      { op: "publish", exchange: "amq.direct", key: "k", msg: "m-direct" },
      { op: "publish", exchange: "amq.fanout", key: "x", msg: "m-fanout" },
      { op: "publish", exchange: "amq.topic", key: "k.a.b", msg: "m-topic" },
      { op: "publish", exchange: "amq.headers", key: "", msg: "m-headers", props: { headers: { a: 1 } } },
      { op: "publish", exchange: "amq.match", key: "", msg: "m-match", props: { headers: { b: 2 } } },
      { op: "check", queues: ["d", "f", "t", "h", "m"] },
    ],
  },
  {
    name: "consumer-tag-reuse",
    rule: "reusing a consumer tag on the same channel is a connection error 530 NOT_ALLOWED",
    source: "D. Consuming; docs/specification.md (basic.consume)",
    channels: { A: { conn: "A" }, B: { conn: "B" } },
    topology: { queues: [{ name: "q" }] },
    steps: [
      { op: "consume", ch: "B", queue: "q", tag: "c1" },
      { op: "consume", ch: "B", queue: "q", tag: "c1" },
      { op: "check", queues: ["q"], conn: "A" },
    ],
  },
  {
    name: "cancel-unknown-tag",
    rule: "basic.cancel of a consumer tag the channel does not have is answered with cancel-ok",
    source: "D. Consumer cancel; docs/consumer-cancel.md",
    topology: { queues: [{ name: "q" }] },
    steps: [
      { op: "cancel", tag: "never-consumed" },
      { op: "consume", queue: "q", tag: "c1", noAck: true },
      ...publishTo("q", ["m1"]),
    ],
  },
  {
    name: "qos-applies-to-later-consumers",
    rule: "basic.qos global=false applies to consumers created after it, not to existing ones",
    source: "D. basic.qos; versioned_docs/version-3.13/consumer-prefetch.md",
    topology: { queues: [{ name: "q1" }, { name: "q2" }] },
    steps: [
      ...publishTo("q1", ["a1", "a2", "a3"]),
      ...publishTo("q2", ["b1", "b2", "b3"]),
      { op: "consume", queue: "q1", tag: "c1" },
      { op: "qos", prefetch: 1 },
      { op: "consume", queue: "q2", tag: "c2" },
      { op: "check", queues: ["q1", "q2"] },
    ],
  },
  {
    name: "ttl-expires-while-consumer-blocked",
    rule: "a message waiting behind a consumer's full prefetch still expires; it is never delivered",
    source: "E. Per-queue message TTL; docs/ttl.md#per-queue-message-ttl",
    topology: { queues: [{ name: "q", arguments: { "x-message-ttl": 500 } }] },
    steps: [
      { op: "qos", prefetch: 1 },
      { op: "consume", queue: "q", tag: "c1" },
      ...publishTo("q", ["m1", "m2"]),
      { op: "wait", ms: 1000 },
      { op: "check", queues: ["q"] },
      { op: "ack", msg: "m1" },
      { op: "check", queues: ["q"] },
    ],
  },
  {
    name: "maxlen-with-ready-consumer",
    rule: "messages handed straight to a consumer never count towards x-max-length",
    source: "E. Max length; docs/maxlength/index.md",
    topology: { queues: [{ name: "q", arguments: { "x-max-length": 1 } }] },
    steps: [
      { op: "consume", queue: "q", tag: "c1", noAck: true },
      ...publishTo("q", ["m1", "m2", "m3"]),
      { op: "check", queues: ["q"] },
    ],
  },
  {
    name: "reject-publish-does-not-dead-letter",
    rule: "x-overflow reject-publish only nacks: the refused message is not dead-lettered even with a DLX",
    source: "E. Max length; docs/maxlength/index.md",
    channels: { A: { confirm: true } },
    topology: {
      exchanges: [{ name: "dlx", type: "fanout" }],
      queues: [
        { name: "dead" },
        {
          name: "q",
          arguments: { "x-max-length": 1, "x-overflow": "reject-publish", "x-dead-letter-exchange": "dlx" },
        },
      ],
      bindings: [{ queue: "dead", exchange: "dlx", key: "" }],
    },
    steps: [...publishTo("q", ["m1", "m2"]), { op: "check", queues: ["q", "dead"] }],
  },
  {
    name: "delete-queue-with-unacked-then-redeclare",
    rule: "queue.delete reports ready messages only; a queue redeclared with the same name starts empty",
    source: "C. Queue lifecycle; docs/specification.md (queue.delete)",
    channels: { A: {}, B: {} },
    topology: { queues: [{ name: "q" }] },
    steps: [
      ...publishTo("q", ["m1", "m2"], undefined, "B"),
      ...gets("q", 1, { ch: "A" }),
      { op: "deleteQueue", ch: "B", name: "q" },
      { op: "declareQueue", ch: "B", name: "q" },
      { op: "closeChannel", ch: "A" },
      { op: "check", queues: ["q"] },
    ],
  },
  routingCase({
    name: "topic-repeated-hash",
    rule: "topic patterns with several # and a # between words: '#' may match zero words anywhere",
    source: "A. Topic; routing_SUITE.erl",
    exchange: { name: "t", type: "topic" },
    bindings: [
      { queue: "a.#.#.b", key: "a.#.#.b" },
      { queue: "a.#.b.#", key: "a.#.b.#" },
      { queue: "#.a.#", key: "#.a.#" },
      { queue: "*.#.*", key: "*.#.*" },
    ],
    messages: [
      { msg: "m1", key: "a.b" },
      { msg: "m2", key: "a.x.b.y" },
      { msg: "m3", key: "x.a" },
      { msg: "m4", key: "a" },
      { msg: "m5", key: "b.a.b.a" },
    ],
  }),
  routingCase({
    name: "headers-array-and-table-values",
    rule: "headers bindings compare array and table values as whole values",
    source: "A. Headers; rabbit_exchange_type_headers.erl",
    exchange: { name: "h", type: "headers" },
    bindings: [
      { queue: "array", key: "", arguments: { "x-match": "all", v: ["a", "b"] } },
      { queue: "table", key: "", arguments: { "x-match": "all", t: { k: "v" } } },
    ],
    messages: [
      { msg: "m1", key: "", props: { headers: { v: ["a", "b"] } } },
      { msg: "m2", key: "", props: { headers: { v: ["b", "a"] } } },
      { msg: "m3", key: "", props: { headers: { t: { k: "v" } } } },
      { msg: "m4", key: "", props: { headers: { t: { k: "w" } } } },
    ],
  }),
  {
    name: "alternate-exchange-not-used-when-e2e-routes",
    rule: "a message an exchange routes through an e2e binding is routed: its alternate exchange is not used",
    source: "A. Alternate exchange; docs/ae.md, docs/e2e.md",
    channels: { A: { confirm: true } },
    topology: {
      exchanges: [
        { name: "ae", type: "fanout" },
        { name: "dest", type: "fanout" },
        { name: "x", type: "direct", arguments: { "alternate-exchange": "ae" } },
      ],
      queues: [{ name: "q" }, { name: "unrouted" }],
      exchangeBindings: [{ destination: "dest", source: "x", key: "k" }],
      bindings: [
        { queue: "q", exchange: "dest", key: "" },
        { queue: "unrouted", exchange: "ae", key: "" },
      ],
    },
    steps: [
      { op: "publish", exchange: "x", key: "k", msg: "m1", mandatory: true },
      { op: "publish", exchange: "x", key: "other", msg: "m2", mandatory: true },
      { op: "check", queues: ["q", "unrouted"] },
    ],
  },
  {
    name: "e2e-unbind-and-mandatory",
    rule: "after exchange.unbind the destination no longer receives; an e2e path to no queue is unroutable",
    source: "A. Exchange-to-exchange bindings; docs/e2e.md",
    channels: { A: { confirm: true } },
    topology: {
      exchanges: [
        { name: "src", type: "fanout" },
        { name: "dest", type: "fanout" },
        { name: "empty", type: "fanout" },
      ],
      queues: [{ name: "q" }],
      exchangeBindings: [
        { destination: "dest", source: "src", key: "" },
        { destination: "empty", source: "src", key: "" },
      ],
      bindings: [{ queue: "q", exchange: "dest", key: "" }],
    },
    steps: [
      { op: "publish", exchange: "src", key: "", msg: "m1", mandatory: true },
      { op: "unbindExchange", destination: "dest", source: "src", key: "" },
      { op: "publish", exchange: "src", key: "", msg: "m2", mandatory: true },
      { op: "check", queues: ["q"] },
    ],
  },
];
