import type { ConformanceCase } from "../case.js";
import { publishTo } from "./helpers.js";

/** Publisher confirms and returns in combination with limits, dead-lettering and consumers. */
export const confirmCases: readonly ConformanceCase[] = [
  {
    name: "reject-publish-dlx-unroutable-dlx-still-nacks",
    rule: "reject-publish-dlx nacks the refused message even when the DLX routes it nowhere",
    source: "E. Max length + B. confirms; docs/maxlength/index.md",
    channels: { A: { confirm: true } },
    topology: {
      exchanges: [{ name: "dlx", type: "direct" }],
      queues: [
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
    steps: [...publishTo("q", ["m1", "m2"]), { op: "check", queues: ["q"] }],
  },
  {
    name: "reject-publish-counts-ready-only",
    rule: "reject-publish compares the ready count only: delivered-unacked messages leave room",
    source: "E. Max length; docs/maxlength/index.md",
    channels: { A: { confirm: true }, C: {} },
    topology: { queues: [{ name: "q", arguments: { "x-max-length": 1, "x-overflow": "reject-publish" } }] },
    steps: [
      ...publishTo("q", ["m1"], undefined, "A"),
      { op: "qos", ch: "C", prefetch: 1 },
      { op: "consume", ch: "C", queue: "q", tag: "c1" },
      ...publishTo("q", ["m2", "m3"], undefined, "A"),
      { op: "check", queues: ["q"] },
      { op: "ack", ch: "C", msg: "m1" },
      ...publishTo("q", ["m4"], undefined, "A"),
    ],
  },
  {
    name: "confirms-two-channels-one-full-queue",
    rule: "confirm sequence numbers are per channel; a full reject-publish queue nacks whichever channel publishes",
    source: "B. Publisher confirms; docs/confirms.md#publisher-confirms",
    channels: { A: { confirm: true }, B: { confirm: true } },
    topology: { queues: [{ name: "q", arguments: { "x-max-length": 2, "x-overflow": "reject-publish" } }] },
    steps: [
      ...publishTo("q", ["a1"], undefined, "A"),
      ...publishTo("q", ["b1"], undefined, "B"),
      ...publishTo("q", ["a2"], undefined, "A"),
      ...publishTo("q", ["b2"], undefined, "B"),
      { op: "check", queues: ["q"] },
    ],
  },
  {
    name: "confirm-channel-that-also-consumes",
    rule: "a confirm channel that also consumes gets its deliveries and its confirms, each in order",
    source: "B. Publisher confirms; docs/confirms.md",
    channels: { A: { confirm: true } },
    topology: { queues: [{ name: "q" }] },
    steps: [
      { op: "consume", queue: "q", tag: "c1", noAck: true },
      ...publishTo("q", ["m1", "m2"]),
      { op: "publish", exchange: "", key: "nope", msg: "m3", mandatory: true },
    ],
  },
];
