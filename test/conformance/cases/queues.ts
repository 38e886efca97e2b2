import type { ConformanceCase } from "../case.js";
import { gets, publishTo } from "./helpers.js";

const TTL = "E. Per-queue message TTL; docs/ttl.md#per-queue-message-ttl";
const MSG_TTL = "E. Per-message TTL; docs/ttl.md#per-message-ttl-in-publishers";
const MAXLEN = "E. Max length; docs/maxlength/index.md";
const DLX = "E. Dead-lettering; docs/dlx.md";
const PRIORITY = "E. Priority queues; docs/priority.md";

/** A DLX fanout exchange "dlx" into queue "dead", plus the queue(s) under test. */
const withDlx = {
  exchanges: [{ name: "dlx", type: "fanout" as const }],
  bindings: [{ queue: "dead", exchange: "dlx", key: "" }],
};

export const queueCases: readonly ConformanceCase[] = [
  // ---- TTL -------------------------------------------------------------------------------
  {
    name: "ttl-queue-expires-messages",
    rule: "x-message-ttl expires messages in the queue; expired messages are never delivered",
    source: TTL,
    // TTL well above the time a few steps take on a loaded machine (~100 ms each)
    topology: { queues: [{ name: "q", arguments: { "x-message-ttl": 1000 } }] },
    steps: [
      ...publishTo("q", ["m1", "m2"]),
      { op: "check", queues: ["q"] },
      { op: "wait", ms: 1500 },
      { op: "check", queues: ["q"] },
      ...gets("q", 1),
    ],
  },
  {
    name: "ttl-per-message-expiration",
    rule: "the expiration property (ms as a string) expires one message; others stay",
    source: MSG_TTL,
    topology: { queues: [{ name: "q" }] },
    steps: [
      { op: "publish", exchange: "", key: "q", msg: "m1", props: { expiration: "300" } },
      { op: "publish", exchange: "", key: "q", msg: "m2" },
      { op: "wait", ms: 800 },
      { op: "check", queues: ["q"] },
      ...gets("q", 2),
    ],
  },
  {
    name: "ttl-lower-of-queue-and-message-wins",
    rule: "with both a queue TTL and a per-message expiration, the lower value applies",
    source: MSG_TTL,
    topology: {
      queues: [
        { name: "q-long", arguments: { "x-message-ttl": 60000 } },
        { name: "q-short", arguments: { "x-message-ttl": 300 } },
      ],
    },
    steps: [
      { op: "publish", exchange: "", key: "q-long", msg: "m1", props: { expiration: "300" } },
      { op: "publish", exchange: "", key: "q-short", msg: "m2", props: { expiration: "60000" } },
      { op: "wait", ms: 800 },
      { op: "check", queues: ["q-long", "q-short"] },
    ],
  },
  {
    name: "ttl-expires-only-at-head",
    rule: "an expired message behind a live one stays counted until it reaches the head",
    source: "E. Per-message TTL; docs/ttl.md#per-message-ttl-caveats",
    topology: { queues: [{ name: "q" }] },
    steps: [
      { op: "publish", exchange: "", key: "q", msg: "m1" },
      { op: "publish", exchange: "", key: "q", msg: "m2", props: { expiration: "200" } },
      { op: "publish", exchange: "", key: "q", msg: "m3" },
      { op: "wait", ms: 600 },
      { op: "check", queues: ["q"] },
      ...gets("q", 3),
      { op: "check", queues: ["q"] },
    ],
  },
  {
    name: "ttl-zero-delivers-only-to-waiting-consumer",
    rule: "TTL 0 expires a message unless a consumer can take it at once; no basic.return",
    source: TTL,
    channels: { A: { confirm: true }, C: {} },
    topology: { queues: [{ name: "q0", arguments: { "x-message-ttl": 0 } }] },
    steps: [
      { op: "publish", ch: "A", exchange: "", key: "q0", msg: "m1", mandatory: true },
      { op: "check", queues: ["q0"] },
      { op: "consume", ch: "C", queue: "q0", tag: "c1", noAck: true },
      { op: "publish", ch: "A", exchange: "", key: "q0", msg: "m2", mandatory: true },
    ],
  },
  {
    name: "ttl-zero-dead-letters",
    rule: "with TTL 0 and a DLX, a message no consumer takes at once is dead-lettered as expired",
    source: TTL,
    topology: {
      ...withDlx,
      queues: [
        { name: "dead" },
        { name: "q0", arguments: { "x-message-ttl": 0, "x-dead-letter-exchange": "dlx" } },
      ],
    },
    steps: [...publishTo("q0", ["m1"]), { op: "check", queues: ["q0", "dead"] }, ...gets("dead", 1)],
  },
  {
    name: "ttl-requeued-keeps-expiry",
    rule: "a requeued message keeps its original expiry: requeued after its TTL it expires at once",
    source: TTL,
    topology: {
      ...withDlx,
      queues: [
        { name: "dead" },
        { name: "q", arguments: { "x-message-ttl": 1000, "x-dead-letter-exchange": "dlx" } },
      ],
    },
    steps: [
      ...publishTo("q", ["m1"]),
      ...gets("q", 1),
      { op: "wait", ms: 1500 },
      { op: "nack", msg: "m1", requeue: true },
      { op: "check", queues: ["q", "dead"] },
      ...gets("dead", 1),
    ],
  },
  // ---- max length ------------------------------------------------------------------------
  {
    name: "maxlen-drop-head",
    rule: "x-max-length with the default overflow drops the oldest message",
    source: MAXLEN,
    topology: { queues: [{ name: "q", arguments: { "x-max-length": 2 } }] },
    steps: [...publishTo("q", ["m1", "m2", "m3"]), { op: "check", queues: ["q"] }, ...gets("q", 3)],
  },
  {
    name: "maxlen-drop-head-dead-letters",
    rule: "drop-head dead-letters the dropped head with reason maxlen when a DLX is set",
    source: MAXLEN,
    topology: {
      ...withDlx,
      queues: [
        { name: "dead" },
        { name: "q", arguments: { "x-max-length": 1, "x-dead-letter-exchange": "dlx" } },
      ],
    },
    steps: [
      ...publishTo("q", ["m1", "m2", "m3"]),
      { op: "check", queues: ["q", "dead"] },
      ...gets("dead", 3),
    ],
  },
  {
    name: "maxlen-reject-publish-nacks",
    rule: "x-overflow reject-publish discards the newest message and nacks it under confirms",
    source: MAXLEN,
    channels: { A: { confirm: true } },
    topology: { queues: [{ name: "q", arguments: { "x-max-length": 2, "x-overflow": "reject-publish" } }] },
    steps: [...publishTo("q", ["m1", "m2", "m3"]), { op: "check", queues: ["q"] }, ...gets("q", 3)],
  },
  {
    name: "maxlen-reject-publish-dlx",
    rule: "reject-publish-dlx nacks the newest message and dead-letters it with reason maxlen",
    source: MAXLEN,
    channels: { A: { confirm: true } },
    topology: {
      ...withDlx,
      queues: [
        { name: "dead" },
        {
          name: "q",
          arguments: {
            "x-max-length": 1,
            "x-overflow": "reject-publish-dlx",
            "x-dead-letter-exchange": "dlx",
          },
        },
      ],
    },
    steps: [...publishTo("q", ["m1", "m2"]), { op: "check", queues: ["q", "dead"] }, ...gets("dead", 2)],
  },
  {
    name: "maxlen-bytes-counts-bodies",
    rule: "x-max-length-bytes counts message bodies only and drops from the head",
    source: MAXLEN,
    topology: { queues: [{ name: "q", arguments: { "x-max-length-bytes": 10 } }] },
    steps: [
      {
        op: "publish",
        exchange: "",
        key: "q",
        msg: "m1",
        bytes: 4,
        props: { headers: { pad: "x".repeat(50) } },
      },
      { op: "publish", exchange: "", key: "q", msg: "m2", bytes: 4 },
      { op: "check", queues: ["q"] },
      { op: "publish", exchange: "", key: "q", msg: "m3", bytes: 4 },
      { op: "check", queues: ["q"] },
      ...gets("q", 3),
    ],
  },
  {
    name: "maxlen-counts-ready-only",
    rule: "only ready messages count towards x-max-length; unacked deliveries do not",
    source: MAXLEN,
    topology: { queues: [{ name: "q", arguments: { "x-max-length": 1 } }] },
    steps: [
      ...publishTo("q", ["m1"]),
      ...gets("q", 1),
      ...publishTo("q", ["m2"]),
      { op: "check", queues: ["q"] },
      { op: "nack", msg: "m1", requeue: true },
      { op: "check", queues: ["q"] },
      ...gets("q", 2),
    ],
  },
  {
    name: "maxlen-reject-publish-one-of-two-queues",
    rule: "a message rejected by one full queue is nacked but still enqueued in the other queues",
    source: "B. When the confirm is sent; docs/maxlength/index.md",
    channels: { A: { confirm: true } },
    topology: {
      exchanges: [{ name: "f", type: "fanout" }],
      queues: [
        { name: "full", arguments: { "x-max-length": 1, "x-overflow": "reject-publish" } },
        { name: "open" },
      ],
      bindings: [
        { queue: "full", exchange: "f", key: "" },
        { queue: "open", exchange: "f", key: "" },
      ],
    },
    steps: [
      { op: "publish", exchange: "f", key: "", msg: "m1" },
      { op: "publish", exchange: "f", key: "", msg: "m2" },
      { op: "check", queues: ["full", "open"] },
    ],
  },
  // ---- dead-lettering --------------------------------------------------------------------
  {
    name: "dlx-rejected-x-death",
    rule: "reject with requeue=false dead-letters with reason rejected; x-death and x-first-death-* are set",
    source: DLX,
    topology: {
      exchanges: [
        { name: "dlx", type: "fanout" },
        { name: "in", type: "direct" },
      ],
      queues: [{ name: "dead" }, { name: "q", arguments: { "x-dead-letter-exchange": "dlx" } }],
      bindings: [
        { queue: "dead", exchange: "dlx", key: "" },
        { queue: "q", exchange: "in", key: "k" },
      ],
    },
    steps: [
      { op: "publish", exchange: "in", key: "k", msg: "m1", props: { headers: { app: "x" } } },
      { op: "publish", exchange: "in", key: "k", msg: "m2" },
      ...gets("q", 2),
      { op: "reject", msg: "m1", requeue: false },
      { op: "nack", msg: "m2", requeue: false },
      { op: "check", queues: ["q", "dead"] },
      ...gets("dead", 3),
    ],
  },
  {
    name: "dlx-expired-x-death",
    rule: "an expired message is dead-lettered with reason expired; original-expiration kept, expiration removed",
    source: DLX,
    topology: {
      ...withDlx,
      queues: [{ name: "dead" }, { name: "q", arguments: { "x-dead-letter-exchange": "dlx" } }],
    },
    steps: [
      { op: "publish", exchange: "", key: "q", msg: "m1", props: { expiration: "100" } },
      { op: "wait", ms: 500 },
      ...gets("q", 1),
      ...gets("dead", 1),
    ],
  },
  {
    name: "dlx-routing-key-override-drops-cc",
    rule: "x-dead-letter-routing-key replaces the keys and removes CC; without it the original keys incl. CC apply",
    source: DLX,
    topology: {
      exchanges: [{ name: "dlx", type: "direct" }],
      queues: [
        { name: "k1" },
        { name: "k2" },
        { name: "over" },
        { name: "q-keep", arguments: { "x-dead-letter-exchange": "dlx" } },
        {
          name: "q-over",
          arguments: { "x-dead-letter-exchange": "dlx", "x-dead-letter-routing-key": "over" },
        },
      ],
      bindings: [
        { queue: "k1", exchange: "dlx", key: "q-keep" },
        { queue: "k2", exchange: "dlx", key: "k2" },
        { queue: "over", exchange: "dlx", key: "over" },
        { queue: "k1", exchange: "dlx", key: "q-over" },
      ],
    },
    steps: [
      { op: "publish", exchange: "", key: "q-keep", msg: "m1", props: { CC: ["k2"] } },
      { op: "publish", exchange: "", key: "q-over", msg: "m2", props: { CC: ["k2"] } },
      ...gets("q-keep", 1),
      ...gets("q-over", 1),
      { op: "reject", msg: "m1", requeue: false },
      { op: "reject", msg: "m2", requeue: false },
      { op: "check", queues: ["k1", "k2", "over"] },
      ...gets("k1", 1),
      ...gets("k2", 1),
      ...gets("over", 1),
    ],
  },
  {
    name: "dlx-missing-exchange-drops",
    rule: "dead-lettering to an exchange that does not exist drops the message silently",
    source: DLX,
    topology: { queues: [{ name: "q", arguments: { "x-dead-letter-exchange": "missing" } }] },
    steps: [
      ...publishTo("q", ["m1"]),
      ...gets("q", 1),
      { op: "reject", msg: "m1", requeue: false },
      { op: "check", queues: ["q"] },
    ],
  },
  {
    name: "dlx-cycle-with-rejection-counts",
    rule: "a dead-letter cycle with a rejection in it continues; x-death counts per {queue, reason}",
    source: DLX,
    topology: {
      queues: [
        { name: "work", arguments: { "x-dead-letter-exchange": "", "x-dead-letter-routing-key": "wait" } },
        {
          name: "wait",
          arguments: {
            "x-message-ttl": 100,
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": "work",
          },
        },
      ],
    },
    steps: [
      ...publishTo("work", ["m1"]),
      ...gets("work", 1),
      { op: "reject", msg: "m1", requeue: false },
      { op: "wait", ms: 400 },
      ...gets("work", 1),
      { op: "reject", msg: "m1", requeue: false },
      { op: "wait", ms: 400 },
      ...gets("work", 1),
    ],
  },
  {
    name: "dlx-cycle-without-rejection-dropped",
    rule: "a dead-letter cycle of expiries only (queue dead-letters to itself) is detected and the message dropped",
    source: DLX,
    topology: {
      queues: [
        {
          name: "loop",
          arguments: {
            "x-message-ttl": 100,
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": "loop",
          },
        },
      ],
    },
    steps: [...publishTo("loop", ["m1"]), { op: "wait", ms: 600 }, { op: "check", queues: ["loop"] }],
  },
  {
    name: "dlx-two-hop-first-and-last-death",
    rule: "x-first-death-* keep the first event; x-death lists the most recent first",
    source: DLX,
    topology: {
      queues: [
        {
          name: "a",
          arguments: { "x-message-ttl": 100, "x-dead-letter-exchange": "", "x-dead-letter-routing-key": "b" },
        },
        { name: "b", arguments: { "x-dead-letter-exchange": "", "x-dead-letter-routing-key": "c" } },
        { name: "c" },
      ],
    },
    steps: [
      ...publishTo("a", ["m1"]),
      { op: "wait", ms: 400 },
      ...gets("b", 1),
      { op: "reject", msg: "m1", requeue: false },
      ...gets("c", 1),
    ],
  },
  // ---- priority --------------------------------------------------------------------------
  {
    name: "priority-queue-order",
    rule: "x-max-priority delivers higher priority first, FIFO within a priority; no priority means 0",
    source: PRIORITY,
    topology: { queues: [{ name: "q", arguments: { "x-max-priority": 10 } }] },
    steps: [
      { op: "publish", exchange: "", key: "q", msg: "none" },
      { op: "publish", exchange: "", key: "q", msg: "p1", props: { priority: 1 } },
      { op: "publish", exchange: "", key: "q", msg: "p9", props: { priority: 9 } },
      { op: "publish", exchange: "", key: "q", msg: "p5", props: { priority: 5 } },
      { op: "publish", exchange: "", key: "q", msg: "p9b", props: { priority: 9 } },
      { op: "publish", exchange: "", key: "q", msg: "p0", props: { priority: 0 } },
      ...gets("q", 7),
    ],
  },
  {
    name: "priority-above-max-is-max",
    rule: "a priority above x-max-priority is treated as the maximum",
    source: PRIORITY,
    topology: { queues: [{ name: "q", arguments: { "x-max-priority": 3 } }] },
    steps: [
      { op: "publish", exchange: "", key: "q", msg: "p3", props: { priority: 3 } },
      { op: "publish", exchange: "", key: "q", msg: "p200", props: { priority: 200 } },
      { op: "publish", exchange: "", key: "q", msg: "p2", props: { priority: 2 } },
      { op: "publish", exchange: "", key: "q", msg: "p4", props: { priority: 4 } },
      ...gets("q", 5),
    ],
  },
  {
    name: "priority-queue-consumer-and-requeue",
    rule: "a consumer of a priority queue gets higher priorities first; a requeued message returns by priority",
    source: PRIORITY,
    topology: { queues: [{ name: "q", arguments: { "x-max-priority": 5 } }] },
    steps: [
      { op: "publish", exchange: "", key: "q", msg: "low", props: { priority: 1 } },
      { op: "publish", exchange: "", key: "q", msg: "high", props: { priority: 5 } },
      ...gets("q", 1),
      { op: "publish", exchange: "", key: "q", msg: "mid", props: { priority: 3 } },
      { op: "nack", msg: "high", requeue: true },
      { op: "qos", prefetch: 1 },
      { op: "consume", queue: "q", tag: "c1" },
      { op: "ack", msg: "high" },
      { op: "ack", msg: "mid" },
      { op: "ack", msg: "low" },
    ],
  },
];
