import { describe, expect, it } from "vitest";
import {
  DEFAULT_RECONNECT,
  heartbeatDetection,
  negotiateHeartbeat,
  nextAttempt,
} from "../../src/cluster/reconnect.js";

const noJitter = { next: () => 0, name: "none" };

describe("reconnect policy", () => {
  const p = { ...DEFAULT_RECONNECT, nodes: ["rabbit-1", "rabbit-2", "rabbit-3"], jitter: 0 };

  it("fails over to the next node of the list, wrapping around, with exponential back-off capped at maxDelay", () => {
    const tries = [0, 1, 2, 3, 4, 5, 6].map((a) => nextAttempt(p, "rabbit-2", a, noJitter));
    expect(tries.map((t) => t.node)).toEqual([
      "rabbit-3",
      "rabbit-1",
      "rabbit-2",
      "rabbit-3",
      "rabbit-1",
      "rabbit-2",
      "rabbit-3",
    ]);
    expect(tries.map((t) => t.delay / 1e9)).toEqual([1, 2, 4, 8, 16, 30, 30]);
  });

  it("jitter adds up to its fraction of the delay", () => {
    const high = { next: () => 0.999, name: "high" };
    const d = nextAttempt({ ...p, jitter: 0.1 }, "rabbit-1", 0, high).delay;
    expect(d).toBeGreaterThan(1.099e9);
    expect(d).toBeLessThanOrEqual(1.1e9);
  });
});

describe("heartbeats (docs/heartbeats.md)", () => {
  it("either side proposing 0 takes the larger value; otherwise the smaller", () => {
    expect(negotiateHeartbeat(0, 60)).toBe(60);
    expect(negotiateHeartbeat(10, 60)).toBe(10);
    expect(negotiateHeartbeat(0, 0)).toBe(0);
  });

  it("a silent peer is noticed after two missed frames at timeout/2, about one timeout; never when disabled", () => {
    expect(heartbeatDetection(10)).toBe(10e9);
    expect(heartbeatDetection(0)).toBe(Number.POSITIVE_INFINITY);
  });
});
