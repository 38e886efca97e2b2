import { describe, expect, it } from "vitest";
import type { SpanJson, TraceJson } from "../../src/metrics/rpc-result.js";
import { renderWaterfall } from "../../src/report/rpc/waterfall.js";

const span = (at: number, took: number): SpanJson => ({
  id: 1,
  parent: -1,
  kind: "fanout",
  service: "agent",
  method: "port_update",
  exchange: "agent_fanout",
  routingKey: "agent",
  from: "api",
  to: "",
  outcome: "ok",
  requested: at,
  published: at,
  enqueued: at + took / 2,
  delivered: at + took / 2,
  started: at + took / 2,
  finished: at + took,
  replyDelivered: null,
  done: at + took,
  heartbeats: 0,
  replyRetries: 0,
});

const trace = (took: number): TraceJson => ({
  flow: "port-update#1",
  tags: ["first"],
  start: 2,
  end: 2 + took,
  latency: took,
  failed: false,
  spans: [span(2, took)],
});

/** The tick labels of the time axis. */
const ticks = (svg: string): string[] =>
  [...svg.matchAll(/<text[^>]*text-anchor="middle"[^>]*>([^<]+)<\/text>/g)].map((m) => m[1]!);

describe("latency waterfall", () => {
  it("a flow that took no simulated time gets a 0-1 ms axis, not ticks in exponent notation", () => {
    const labels = ticks(renderWaterfall("w", "w", trace(0)));
    expect(labels.length).toBeGreaterThan(2);
    expect(labels.join(" ")).not.toMatch(/e-/);
    expect(labels).toContain("0.001");
  });

  it("a flow of seconds keeps its own scale", () => {
    const labels = ticks(renderWaterfall("w", "w", trace(9.5)));
    expect(labels).toContain("8");
    expect(labels).not.toContain("0.001");
  });
});
