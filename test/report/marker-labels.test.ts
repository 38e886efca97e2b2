import { describe, expect, it } from "vitest";
import { placeLabels } from "../../src/report/charts/markers.js";

/** Whether two labels on the same row overlap (with their left edges and widths). */
const overlap = (a: { x: number; w: number }, b: { x: number; w: number }): boolean =>
  a.x < b.x + b.w && b.x < a.x + a.w;

describe("marker labels", () => {
  it("labels of markers closer than a label's width go on different rows and never overprint", () => {
    // five markers 30 px apart, labels 100 px wide (the memory-alarm report's alarm / blocked / cleared)
    const xs = [100, 130, 160, 190, 400];
    const widths = xs.map(() => 100);
    const places = placeLabels(xs, widths, 1000);
    for (let i = 0; i < xs.length; i++) {
      for (let j = i + 1; j < xs.length; j++) {
        if (places[i]!.row !== places[j]!.row) continue;
        expect(
          overlap({ x: places[i]!.x, w: widths[i]! }, { x: places[j]!.x, w: widths[j]! }),
          `labels ${i} and ${j}`,
        ).toBe(false);
      }
    }
    expect(places.slice(0, 4).map((p) => p.row)).toEqual([0, 1, 2, 3]);
    expect(places[4]!.row).toBe(0); // far enough right: back on the top row
  });

  it("a label that would run past the right edge goes to the left of its line", () => {
    const [p] = placeLabels([950], [100], 1000);
    expect(p!.x + 100).toBeLessThanOrEqual(950);
    const [q] = placeLabels([500], [100], 1000);
    expect(q!.x).toBeGreaterThan(500);
  });

  it("places labels by position, whatever the order of the markers", () => {
    const places = placeLabels([300, 100, 120], [80, 80, 80], 1000);
    expect(places[1]!.row).toBe(0);
    expect(places[2]!.row).toBe(1);
    expect(places[0]!.row).toBe(0);
  });
});
