import type { ConformanceCase } from "../case.js";
import { publishTo } from "./helpers.js";

/** The order in which a queue serves its consumers (rabbit_queue_consumers round-robin). */
export const dispatchCases: readonly ConformanceCase[] = [
  {
    name: "round-robin-three-consumers-one-cancels",
    rule: "when a consumer is cancelled the rotation continues among the others in order",
    source: "D. Round-robin; tutorials/tutorial-two-python.md",
    channels: { A: {}, B: {}, C: {}, P: {} },
    topology: { queues: [{ name: "q" }] },
    steps: [
      { op: "consume", ch: "A", queue: "q", tag: "c1", noAck: true },
      { op: "consume", ch: "B", queue: "q", tag: "c2", noAck: true },
      { op: "consume", ch: "C", queue: "q", tag: "c3", noAck: true },
      ...publishTo("q", ["m1", "m2"], undefined, "P"),
      { op: "cancel", ch: "C", tag: "c3" },
      ...publishTo("q", ["m3", "m4", "m5"], undefined, "P"),
    ],
  },
  {
    name: "round-robin-new-consumer-joins-at-back",
    rule: "a consumer added later joins the rotation behind the existing consumers",
    source: "D. Round-robin; tutorials/tutorial-two-python.md",
    channels: { A: {}, B: {}, C: {}, P: {} },
    topology: { queues: [{ name: "q" }] },
    steps: [
      { op: "consume", ch: "A", queue: "q", tag: "c1", noAck: true },
      { op: "consume", ch: "B", queue: "q", tag: "c2", noAck: true },
      ...publishTo("q", ["m1"], undefined, "P"),
      { op: "consume", ch: "C", queue: "q", tag: "c3", noAck: true },
      ...publishTo("q", ["m2", "m3", "m4", "m5"], undefined, "P"),
    ],
  },
  {
    name: "round-robin-requeued-on-close-to-remaining",
    rule: "messages requeued when one consumer's channel closes go round-robin to the remaining consumers",
    source: "D. Automatic requeue + round-robin; docs/confirms.md#automatic-requeueing",
    channels: { A: {}, B: {}, C: {}, P: {} },
    topology: { queues: [{ name: "q" }] },
    steps: [
      ...publishTo("q", ["m1", "m2", "m3"], undefined, "P"),
      { op: "consume", ch: "A", queue: "q", tag: "c1" },
      { op: "qos", ch: "B", prefetch: 10 },
      { op: "consume", ch: "B", queue: "q", tag: "c2", noAck: true },
      { op: "consume", ch: "C", queue: "q", tag: "c3", noAck: true },
      { op: "closeChannel", ch: "A" },
    ],
  },
  {
    name: "consumer-priority-unblocked-high-gets-next",
    rule: "a high-priority consumer freed by an ack gets the next message before a lower one with room",
    source: "D. Consumer priority; docs/consumer-priority.md",
    channels: { A: {}, B: {}, P: {} },
    topology: { queues: [{ name: "q" }] },
    steps: [
      { op: "qos", ch: "A", prefetch: 1 },
      { op: "consume", ch: "A", queue: "q", tag: "high", priority: 5 },
      { op: "consume", ch: "B", queue: "q", tag: "low", noAck: true },
      ...publishTo("q", ["m1", "m2"], undefined, "P"),
      { op: "ack", ch: "A", msg: "m1" },
      ...publishTo("q", ["m3", "m4"], undefined, "P"),
    ],
  },
  {
    name: "two-consumers-one-channel-one-queue",
    rule: "two consumers of one queue on one channel share it round-robin, with channel-wide delivery tags",
    source: "D. Round-robin; docs/confirms.md (delivery tags are per channel)",
    topology: { queues: [{ name: "q" }] },
    steps: [
      { op: "consume", queue: "q", tag: "c1", noAck: true },
      { op: "consume", queue: "q", tag: "c2", noAck: true },
      ...publishTo("q", ["m1", "m2", "m3", "m4"]),
    ],
  },
  {
    name: "global-prefetch-two-consumers-one-queue",
    rule: "a global window shared by two consumers of one queue: a freed slot goes to the next in rotation",
    source: "D. basic.qos global; versioned_docs/version-3.13/consumer-prefetch.md",
    channels: { A: {}, P: {} },
    topology: { queues: [{ name: "q" }] },
    steps: [
      { op: "qos", ch: "A", prefetch: 2, global: true },
      { op: "consume", ch: "A", queue: "q", tag: "c1" },
      { op: "consume", ch: "A", queue: "q", tag: "c2" },
      ...publishTo("q", ["m1", "m2", "m3", "m4"], undefined, "P"),
      { op: "ack", ch: "A", msg: "m1" },
      { op: "ack", ch: "A", msg: "m2" },
    ],
  },
  {
    name: "recover-two-consumers-one-channel",
    rule: "basic.recover requeues the channel's deliveries, which are dealt to its consumers again in turn",
    source: "D. basic.recover; docs/specification.md (basic.recover)",
    topology: { queues: [{ name: "q" }] },
    steps: [
      { op: "consume", queue: "q", tag: "c1" },
      { op: "consume", queue: "q", tag: "c2" },
      ...publishTo("q", ["m1", "m2", "m3"]),
      { op: "recover" },
    ],
  },
];
