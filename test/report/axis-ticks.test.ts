import { scaleLinear } from "d3";
import { describe, expect, it } from "vitest";
import { yAxis } from "../../src/report/charts/frame.js";

const box = { left: 40, top: 10, width: 400, height: 240 };
const labels = (svg: string): string[] =>
  [...svg.matchAll(/text-anchor="end"[^>]*>([^<]*)</g)].map((m) => m[1]!).filter((t) => t !== "");

describe("axis tick labels", () => {
  it("are distinct even when the chart's formatter rounds neighbouring ticks to the same text", () => {
    const scale = scaleLinear().domain([0, 0.03]).range([250, 10]);
    const twoDecimals = (v: number) => v.toFixed(2);
    const ticks = labels(yAxis(scale, box, "messages", twoDecimals));
    expect(ticks.length).toBeGreaterThan(3);
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(ticks).toContain("0.005");
  });

  it("keep the chart's own formatter when its labels are already distinct", () => {
    const scale = scaleLinear().domain([0, 200]).range([250, 10]);
    const ticks = labels(yAxis(scale, box, "rate", (v) => `${v}/s`));
    expect(ticks[0]).toBe("0/s");
    expect(ticks.every((t) => t.endsWith("/s"))).toBe(true);
  });
});
