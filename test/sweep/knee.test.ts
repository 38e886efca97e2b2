import { describe, expect, it } from "vitest";
import { findKnee } from "../../src/sweep/knee.js";

describe("knee detection", () => {
  it("finds where an M/M/1-like latency curve 1/(1-ρ) turns steep", () => {
    const xs = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95];
    const ys = xs.map((r) => 1 / (1 - r));
    const k = findKnee(xs, ys)!;
    expect(k.x).toBeGreaterThanOrEqual(0.7);
    expect(k.x).toBeLessThanOrEqual(0.9);
  });
  it("finds where a decreasing latency curve (more consumers) stops improving", () => {
    const xs = [1, 2, 3, 4, 5, 6, 7, 8];
    const ys = [100, 20, 5, 2, 1.5, 1.4, 1.35, 1.3];
    expect(findKnee(xs, ys)!.x).toBe(3);
  });
  it("a straight line or a concave curve has no knee", () => {
    expect(findKnee([1, 2, 3, 4], [2, 4, 6, 8])).toBeNull();
    expect(findKnee([1, 2, 3, 4], [1, 1.8, 2.2, 2.4])).toBeNull();
    expect(findKnee([1, 2], [1, 5])).toBeNull();
  });
});
