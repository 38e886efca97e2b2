import type { ConformanceCase } from "../case.js";
import { gets, routingCase } from "./helpers.js";

const TOPIC =
  "A. Topic; docs/exchanges.md, rabbit_db_topic_exchange.erl split_topic_key_binary/1, routing_SUITE.erl";
const HEADERS = "A. Headers; rabbit_exchange_type_headers.erl, tutorials/amqp-concepts#exchange-headers";

/** Patterns every topic case binds (one queue per pattern, named "p:<pattern>"). */
const TOPIC_PATTERNS = [
  "a.#.b",
  "#.b",
  "a.#",
  "a.#.#",
  "*.#",
  "#.*.#",
  "*.#.#",
  "#.#.#",
  "#.b.#",
  "*.*",
  "a.*",
  "*",
  "#",
  "#.#",
  "",
  "a.*.b",
  "a..b",
  "a.",
  "*.",
  "*.*.*",
  "oneword",
];

function topicCase(name: string, rule: string, keys: readonly string[]): ConformanceCase {
  return routingCase({
    name,
    rule,
    source: TOPIC,
    exchange: { name: "t", type: "topic" },
    bindings: TOPIC_PATTERNS.map((key) => ({ queue: `p:${key}`, key })),
    messages: keys.map((key, i) => ({ msg: `m${i + 1}`, key })),
  });
}

export const exchangeCases: readonly ConformanceCase[] = [
  {
    name: "default-exchange-routes-by-queue-name",
    rule: "the default exchange is a direct exchange every queue is bound to with its own name",
    source: "A. Default exchange; tutorials/amqp-concepts#exchange-default",
    topology: { queues: [{ name: "q1" }, { name: "q2" }] },
    steps: [
      { op: "publish", exchange: "", key: "q1", msg: "m1" },
      { op: "publish", exchange: "", key: "q2", msg: "m2" },
      { op: "publish", exchange: "", key: "nope", msg: "m3" },
      { op: "check", queues: ["q1", "q2"] },
      ...gets("q1", 2),
    ],
  },
  {
    name: "default-exchange-bind-is-refused",
    rule: "binding a queue to the default exchange is a 403 ACCESS_REFUSED channel error",
    source: "A. Default exchange; docs/exchanges.md#types",
    topology: { queues: [{ name: "q1" }] },
    steps: [{ op: "bindQueue", queue: "q1", exchange: "", key: "k" }],
  },
  routingCase({
    name: "direct-exact-key-and-multicast",
    rule: "a direct exchange delivers to every binding whose key equals the routing key exactly",
    source: "A. Direct; docs/exchanges.md",
    exchange: { name: "d", type: "direct" },
    bindings: [
      { queue: "q1", key: "k" },
      { queue: "q2", key: "k" },
      { queue: "q3", key: "k2" },
      { queue: "q3", key: "K" },
    ],
    messages: [
      { msg: "m1", key: "k" },
      { msg: "m2", key: "k2" },
      { msg: "m3", key: "K" },
      { msg: "m4", key: "k.x" },
      { msg: "m5", key: "" },
    ],
  }),
  routingCase({
    name: "fanout-ignores-routing-key",
    rule: "a fanout exchange copies every message to every bound queue, whatever the keys",
    source: "A. Fanout; docs/exchanges.md",
    exchange: { name: "f", type: "fanout" },
    bindings: [
      { queue: "q1", key: "" },
      { queue: "q2", key: "x" },
      { queue: "q2", key: "y" },
    ],
    messages: [
      { msg: "m1", key: "" },
      { msg: "m2", key: "anything" },
    ],
  }),
  topicCase("topic-two-words", "topic key 'a.b' matches a.#.b, #.b, a.#, *.#, #.*.#, *.*, a.* and not *", [
    "a.b",
  ]),
  topicCase("topic-three-words", "topic key 'a.b.c' matches neither 'a.#.b' nor '*'", ["a.b.c"]),
  topicCase("topic-empty-key", "topic key '' is zero words: matches only #, #.#, #.#.# and ''", [""]),
  topicCase("topic-one-word", "topic key 'oneword' matches *, *.#, #.*.#, # and 'oneword'", ["oneword"]),
  topicCase("topic-five-words", "topic key 'a.a.a.a.a' matches a.#, *.#, #.#.# but not *.*.*", ["a.a.a.a.a"]),
  topicCase("topic-empty-words", "topic keys split on every '.': 'a..b', 'a.' and '.' have empty words", [
    "a..b",
    "a.",
    ".",
  ]),
  routingCase({
    name: "headers-x-match-all-and-any",
    rule: "headers x-match=all needs every binding header, x-match=any one; the routing key is ignored",
    source: HEADERS,
    exchange: { name: "h", type: "headers" },
    bindings: [
      { queue: "all", key: "", arguments: { "x-match": "all", a: 1, b: "x" } },
      { queue: "any", key: "ignored", arguments: { "x-match": "any", a: 1, b: "x" } },
      { queue: "default", key: "", arguments: { a: 1, b: "x" } },
    ],
    messages: [
      { msg: "m1", key: "k", props: { headers: { a: 1, b: "x" } } },
      { msg: "m2", key: "k", props: { headers: { a: 1 } } },
      { msg: "m3", key: "", props: { headers: { a: 1, b: "x", c: true } } },
      { msg: "m4", key: "", props: { headers: { a: 2, b: "y" } } },
      { msg: "m5", key: "" },
    ],
  }),
  routingCase({
    name: "headers-x-arguments-ignored-unless-with-x",
    rule: "under all / any binding arguments starting with x- are ignored; all-with-x / any-with-x use them",
    source: HEADERS,
    exchange: { name: "h", type: "headers" },
    bindings: [
      { queue: "all", key: "", arguments: { "x-match": "all", "x-k": "v", a: 1 } },
      { queue: "all-with-x", key: "", arguments: { "x-match": "all-with-x", "x-k": "v", a: 1 } },
      { queue: "any", key: "", arguments: { "x-match": "any", "x-k": "v" } },
      { queue: "any-with-x", key: "", arguments: { "x-match": "any-with-x", "x-k": "v" } },
    ],
    messages: [
      { msg: "m1", key: "", props: { headers: { a: 1 } } },
      { msg: "m2", key: "", props: { headers: { a: 1, "x-k": "v" } } },
      { msg: "m3", key: "", props: { headers: { "x-k": "v" } } },
    ],
  }),
  routingCase({
    name: "headers-void-matches-presence",
    rule: "a headers binding argument of type void matches on the header's presence alone",
    source: HEADERS,
    exchange: { name: "h", type: "headers" },
    bindings: [{ queue: "present", key: "", arguments: { "x-match": "all", a: null } }],
    messages: [
      { msg: "m1", key: "", props: { headers: { a: "anything" } } },
      { msg: "m2", key: "", props: { headers: { a: 42 } } },
      { msg: "m3", key: "", props: { headers: { b: 1 } } },
      { msg: "m4", key: "" },
    ],
  }),
  routingCase({
    name: "headers-typed-values",
    rule: "headers numbers compare by value across int and float types; a string never equals a number",
    source: HEADERS,
    exchange: { name: "h", type: "headers" },
    bindings: [
      { queue: "int", key: "", arguments: { "x-match": "all", n: 1 } },
      { queue: "double", key: "", arguments: { "x-match": "all", n: { "!": "double", value: 1 } } },
      { queue: "string", key: "", arguments: { "x-match": "all", n: "1" } },
      { queue: "bool", key: "", arguments: { "x-match": "all", n: true } },
    ],
    messages: [
      { msg: "int", key: "", props: { headers: { n: 1 } } },
      { msg: "long", key: "", props: { headers: { n: { "!": "long", value: 1 } } } },
      { msg: "double", key: "", props: { headers: { n: { "!": "double", value: 1 } } } },
      { msg: "string", key: "", props: { headers: { n: "1" } } },
      { msg: "bool", key: "", props: { headers: { n: true } } },
      { msg: "two", key: "", props: { headers: { n: 2 } } },
    ],
  }),
  routingCase({
    name: "headers-binding-without-real-arguments",
    rule: "a headers binding with no non-x- argument matches every message under all and none under any",
    source: HEADERS,
    exchange: { name: "h", type: "headers" },
    bindings: [
      { queue: "all", key: "", arguments: { "x-match": "all" } },
      { queue: "any", key: "", arguments: { "x-match": "any" } },
      { queue: "none", key: "" },
    ],
    messages: [
      { msg: "m1", key: "", props: { headers: { a: 1 } } },
      { msg: "m2", key: "" },
    ],
  }),
  {
    name: "headers-invalid-x-match-refused",
    rule: "an x-match value other than all / any / all-with-x / any-with-x is refused at bind time",
    source: HEADERS,
    topology: { exchanges: [{ name: "h", type: "headers" }], queues: [{ name: "q" }] },
    steps: [{ op: "bindQueue", queue: "q", exchange: "h", key: "", arguments: { "x-match": "some" } }],
  },
  {
    name: "e2e-one-copy-per-queue",
    rule: "exchange-to-exchange bindings route once over all bindings: a queue reachable twice gets one copy",
    source: "A. One copy per queue / E2E; docs/e2e.md",
    topology: {
      exchanges: [
        { name: "src", type: "direct" },
        { name: "mid", type: "fanout" },
        { name: "leaf", type: "topic" },
      ],
      queues: [{ name: "q1" }, { name: "q2" }],
      exchangeBindings: [
        { destination: "mid", source: "src", key: "k" },
        { destination: "leaf", source: "src", key: "k" },
        { destination: "leaf", source: "mid", key: "ignored" },
      ],
      bindings: [
        { queue: "q1", exchange: "src", key: "k" },
        { queue: "q1", exchange: "mid", key: "" },
        { queue: "q2", exchange: "leaf", key: "k" },
        { queue: "q2", exchange: "leaf", key: "#" },
      ],
    },
    steps: [
      { op: "publish", exchange: "src", key: "k", msg: "m1" },
      { op: "publish", exchange: "src", key: "other", msg: "m2" },
      { op: "check", queues: ["q1", "q2"] },
      ...gets("q1", 2),
      ...gets("q2", 2),
    ],
  },
  {
    name: "e2e-destination-type-applies",
    rule: "across an exchange-to-exchange binding the destination's own type routes (topic after direct)",
    source: "A. Exchange-to-exchange bindings; docs/e2e.md",
    topology: {
      exchanges: [
        { name: "src", type: "fanout" },
        { name: "t", type: "topic" },
      ],
      queues: [{ name: "qa" }, { name: "qb" }],
      exchangeBindings: [{ destination: "t", source: "src", key: "" }],
      bindings: [
        { queue: "qa", exchange: "t", key: "a.*" },
        { queue: "qb", exchange: "t", key: "b.#" },
      ],
    },
    steps: [
      { op: "publish", exchange: "src", key: "a.x", msg: "m1" },
      { op: "publish", exchange: "src", key: "b.x.y", msg: "m2" },
      { op: "publish", exchange: "src", key: "c", msg: "m3" },
      { op: "check", queues: ["qa", "qb"] },
      ...gets("qa", 2),
      ...gets("qb", 2),
    ],
  },
  {
    name: "e2e-cycle-delivers-once",
    rule: "a cycle of exchange-to-exchange bindings is detected: each queue gets exactly one copy",
    source: "A. One copy per queue; docs/e2e.md",
    topology: {
      exchanges: [
        { name: "x1", type: "fanout" },
        { name: "x2", type: "fanout" },
      ],
      queues: [{ name: "q1" }, { name: "q2" }],
      exchangeBindings: [
        { destination: "x2", source: "x1", key: "" },
        { destination: "x1", source: "x2", key: "" },
      ],
      bindings: [
        { queue: "q1", exchange: "x1", key: "" },
        { queue: "q2", exchange: "x2", key: "" },
      ],
    },
    steps: [
      { op: "publish", exchange: "x1", key: "", msg: "m1" },
      { op: "publish", exchange: "x2", key: "", msg: "m2" },
      { op: "check", queues: ["q1", "q2"] },
    ],
  },
  {
    name: "alternate-exchange-takes-unroutable",
    rule: "a message the exchange routes to no queue goes to its alternate exchange and counts as routed",
    source: "A. Alternate exchange; docs/ae.md",
    channels: { A: { confirm: true } },
    topology: {
      exchanges: [
        { name: "ae", type: "fanout" },
        { name: "x", type: "direct", arguments: { "alternate-exchange": "ae" } },
      ],
      queues: [{ name: "q" }, { name: "unrouted" }],
      bindings: [
        { queue: "q", exchange: "x", key: "k" },
        { queue: "unrouted", exchange: "ae", key: "" },
      ],
    },
    steps: [
      { op: "publish", exchange: "x", key: "k", msg: "m1", mandatory: true },
      { op: "publish", exchange: "x", key: "other", msg: "m2", mandatory: true },
      { op: "check", queues: ["q", "unrouted"] },
      ...gets("unrouted", 2),
    ],
  },
  {
    name: "alternate-exchange-chain",
    rule: "alternate exchanges chain: each AE that routes nowhere passes the message to its own AE",
    source: "A. Alternate exchange; docs/ae.md",
    topology: {
      exchanges: [
        { name: "ae2", type: "fanout" },
        { name: "ae1", type: "direct", arguments: { "alternate-exchange": "ae2" } },
        { name: "x", type: "direct", arguments: { "alternate-exchange": "ae1" } },
      ],
      queues: [{ name: "q1" }, { name: "q2" }],
      bindings: [
        { queue: "q1", exchange: "ae1", key: "k1" },
        { queue: "q2", exchange: "ae2", key: "" },
      ],
    },
    steps: [
      { op: "publish", exchange: "x", key: "k1", msg: "m1" },
      { op: "publish", exchange: "x", key: "k2", msg: "m2" },
      ...gets("q1", 2),
      ...gets("q2", 2),
    ],
  },
  {
    name: "alternate-exchange-loop-and-missing",
    rule: "an AE chain stops at an AE already tried or a missing AE; a mandatory message is then returned",
    source: "A. Alternate exchange; docs/ae.md",
    channels: { A: { confirm: true } },
    topology: {
      exchanges: [
        { name: "x1", type: "direct", arguments: { "alternate-exchange": "x2" } },
        { name: "x2", type: "direct", arguments: { "alternate-exchange": "x1" } },
        { name: "y", type: "direct", arguments: { "alternate-exchange": "does-not-exist" } },
      ],
    },
    steps: [
      { op: "publish", exchange: "x1", key: "k", msg: "m1", mandatory: true },
      { op: "publish", exchange: "y", key: "k", msg: "m2", mandatory: true },
      { op: "publish", exchange: "x1", key: "k", msg: "m3" },
    ],
  },
  {
    name: "internal-exchange-refuses-publish",
    rule: "publishing to an internal exchange is a 403 channel error; it still routes via an e2e binding",
    source: "A. Errors when publishing; docs/specification.md, docs/e2e.md",
    channels: { A: {}, B: {} },
    topology: {
      exchanges: [
        { name: "in", type: "fanout", internal: true },
        { name: "front", type: "fanout" },
      ],
      queues: [{ name: "q" }],
      exchangeBindings: [{ destination: "in", source: "front", key: "" }],
      bindings: [{ queue: "q", exchange: "in", key: "" }],
    },
    steps: [
      { op: "publish", ch: "B", exchange: "front", key: "", msg: "m1" },
      { op: "publish", ch: "A", exchange: "in", key: "", msg: "m2" },
      { op: "check", queues: ["q"] },
      ...gets("q", 2, { ch: "B" }),
    ],
  },
  {
    name: "publish-to-missing-exchange",
    rule: "publishing to an exchange that does not exist closes the channel with 404 NOT_FOUND",
    source: "A. Errors when publishing; docs/publishers/index.md",
    channels: { A: {}, B: {} },
    topology: { queues: [{ name: "q" }] },
    steps: [
      { op: "publish", ch: "A", exchange: "nope", key: "q", msg: "m1" },
      { op: "publish", ch: "B", exchange: "", key: "q", msg: "m2" },
      { op: "check", queues: ["q"] },
    ],
  },
  routingCase({
    name: "sender-selected-cc-bcc",
    rule: "CC and BCC add routing keys; BCC is removed from the delivered headers, CC is kept",
    source: "A. Sender-selected routing; docs/sender-selected.md",
    exchange: { name: "d", type: "direct" },
    bindings: [
      { queue: "q1", key: "k1" },
      { queue: "q2", key: "k2" },
      { queue: "q3", key: "k3" },
    ],
    messages: [
      { msg: "m1", key: "k1", props: { CC: ["k2"], BCC: ["k3"] } },
      { msg: "m2", key: "none", props: { CC: ["k1", "k1"], BCC: ["k2"] } },
    ],
  }),
  {
    name: "sender-selected-default-exchange",
    rule: "on the default exchange each CC / BCC key names a queue",
    source: "A. Sender-selected routing; docs/sender-selected.md",
    topology: { queues: [{ name: "q1" }, { name: "q2" }, { name: "q3" }] },
    steps: [
      { op: "publish", exchange: "", key: "q1", msg: "m1", props: { CC: ["q2"], BCC: ["q3"] } },
      { op: "check", queues: ["q1", "q2", "q3"] },
      ...gets("q2", 1),
      ...gets("q3", 1),
    ],
  },
  {
    name: "auto-delete-exchange",
    rule: "an auto-delete exchange is deleted when its last binding as source goes; never-bound ones stay",
    source: "A. Auto-delete exchange; docs/exchanges.md, docs/e2e.md",
    topology: {
      exchanges: [
        { name: "ad", type: "direct", autoDelete: true },
        { name: "ad-unbound", type: "direct", autoDelete: true },
        { name: "ad-dest", type: "direct", autoDelete: true },
        { name: "src", type: "direct" },
      ],
      queues: [{ name: "q" }],
      exchangeBindings: [{ destination: "ad-dest", source: "src", key: "k" }],
      bindings: [
        { queue: "q", exchange: "ad", key: "a" },
        { queue: "q", exchange: "ad", key: "b" },
      ],
    },
    steps: [
      { op: "unbindQueue", queue: "q", exchange: "ad", key: "a" },
      { op: "check", exchanges: ["ad"] },
      { op: "unbindQueue", queue: "q", exchange: "ad", key: "b" },
      { op: "unbindExchange", destination: "ad-dest", source: "src", key: "k" },
      { op: "check", exchanges: ["ad", "ad-unbound", "ad-dest", "src"] },
    ],
  },
];
