import type { ConformanceCase } from "../case.js";
import { gets, publishTo } from "./helpers.js";

const MANDATORY = "B. mandatory; docs/publishers/index.md";
const CONFIRMS = "B. Publisher confirms; docs/confirms.md#publisher-confirms";

export const publishCases: readonly ConformanceCase[] = [
  {
    name: "mandatory-return-before-confirm",
    rule: "an unroutable mandatory message gets basic.return 312 NO_ROUTE, then its basic.ack",
    source: `${MANDATORY}; docs/confirms.md#when-publishes-are-confirmed`,
    channels: { A: { confirm: true } },
    topology: {
      exchanges: [{ name: "d", type: "direct" }],
      queues: [{ name: "q" }],
      bindings: [{ queue: "q", exchange: "d", key: "k" }],
    },
    steps: [
      { op: "publish", exchange: "d", key: "nope", msg: "m1", mandatory: true },
      { op: "publish", exchange: "d", key: "k", msg: "m2", mandatory: true },
      { op: "publish", exchange: "d", key: "nope", msg: "m3" },
      { op: "publish", exchange: "", key: "no-such-queue", msg: "m4", mandatory: true },
    ],
  },
  {
    name: "mandatory-without-confirms",
    rule: "without confirms an unroutable mandatory message is returned and a non-mandatory one dropped",
    source: MANDATORY,
    topology: { exchanges: [{ name: "f", type: "fanout" }] },
    steps: [
      { op: "publish", exchange: "f", key: "k", msg: "m1", mandatory: true },
      { op: "publish", exchange: "f", key: "k", msg: "m2" },
    ],
  },
  {
    name: "confirm-multi-queue-ack",
    rule: "a message routed to several queues is acked once; confirms count from 1 per channel",
    source: CONFIRMS,
    channels: { A: { confirm: true }, B: { confirm: true } },
    topology: {
      exchanges: [{ name: "f", type: "fanout" }],
      queues: [{ name: "q1" }, { name: "q2", durable: true }],
      bindings: [
        { queue: "q1", exchange: "f", key: "" },
        { queue: "q2", exchange: "f", key: "" },
      ],
    },
    steps: [
      { op: "publish", ch: "A", exchange: "f", key: "", msg: "m1" },
      { op: "publish", ch: "A", exchange: "f", key: "", msg: "m2", props: { persistent: true } },
      { op: "publish", ch: "B", exchange: "f", key: "", msg: "m3" },
      { op: "check", queues: ["q1", "q2"] },
    ],
  },
  {
    name: "confirm-nack-on-reject-publish-then-ack",
    rule: "reject-publish nacks while the queue is full and acks again once there is room",
    source: `${CONFIRMS}; docs/maxlength/index.md`,
    channels: { A: { confirm: true } },
    topology: { queues: [{ name: "q", arguments: { "x-max-length": 1, "x-overflow": "reject-publish" } }] },
    steps: [
      ...publishTo("q", ["m1", "m2"]),
      ...gets("q", 1, { noAck: true }),
      ...publishTo("q", ["m3"]),
      ...gets("q", 2, { noAck: true }),
    ],
  },
  {
    name: "persistent-flag-delivered",
    rule: "a message's delivery mode is carried with it: persistent and transient copies in a durable queue",
    source: "B. Durable vs persistent; docs/queues.md#durability",
    topology: { queues: [{ name: "q", durable: true }] },
    steps: [
      { op: "publish", exchange: "", key: "q", msg: "p", props: { persistent: true } },
      { op: "publish", exchange: "", key: "q", msg: "t", props: { persistent: false } },
      { op: "check", queues: ["q"] },
      ...gets("q", 2),
    ],
  },
  {
    name: "purge-removes-ready-only",
    rule: "queue.purge removes ready messages and reports how many; unacked deliveries stay",
    source: "C. Queue lifecycle; docs/specification.md (queue.purge)",
    topology: { queues: [{ name: "q" }] },
    steps: [
      ...publishTo("q", ["m1", "m2", "m3"]),
      ...gets("q", 1),
      { op: "purgeQueue", name: "q" },
      { op: "nack", msg: "m1", requeue: true },
      { op: "check", queues: ["q"] },
    ],
  },
];
