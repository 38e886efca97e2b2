import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BinnedCounter, BinnedLevel } from "../../src/metrics/binned.js";

describe("BinnedLevel", () => {
  it("integrates a level held across several 10 ns bins and keeps each bin's max", () => {
    const l = new BinnedLevel(10);
    l.set(5, 4); // 4 from t=5
    l.set(32, 1); // 1 from t=32
    l.advance(40);
    // bin 0: 4 x 5; bins 1, 2: 4 x 10; bin 3: 4 x 2 + 1 x 8
    expect(l.binIntegral).toEqual([20, 40, 40, 16]);
    expect(l.binMax).toEqual([4, 4, 4, 4]);
    expect(l.integral).toBe(116);
    expect(l.max).toBe(4);
    expect(l.value).toBe(1);
  });

  it("a spike inside one bin counts in that bin's max but barely in its mean", () => {
    const l = new BinnedLevel(100);
    l.set(10, 50);
    l.set(11, 0);
    l.advance(200);
    expect(l.binMax).toEqual([50, 0]);
    expect(l.binIntegral).toEqual([50, 0]);
  });
});

describe("BinnedLevel.setThree", () => {
  it("leaves three levels exactly as three set() calls would, whatever the times and bins", () => {
    const change = fc.tuple(fc.integer({ min: 0, max: 40 }), fc.nat(20), fc.nat(20), fc.nat(20));
    fc.assert(
      fc.property(fc.array(change, { maxLength: 40 }), fc.integer({ min: 0, max: 30 }), (changes, tail) => {
        const fast = [new BinnedLevel(10), new BinnedLevel(10), new BinnedLevel(10)] as const;
        const slow = [new BinnedLevel(10), new BinnedLevel(10), new BinnedLevel(10)] as const;
        let t = 0;
        for (const [dt, a, b, c] of changes) {
          t += dt;
          BinnedLevel.setThree(t, fast[0], a, fast[1], b, fast[2], c);
          slow[0].set(t, a);
          slow[1].set(t, b);
          slow[2].set(t, c);
        }
        for (let i = 0; i < 3; i++) {
          fast[i]!.advance(t + tail);
          slow[i]!.advance(t + tail);
          expect(fast[i]).toEqual(slow[i]);
        }
      }),
    );
  });
});

describe("BinnedCounter", () => {
  it("counts events in the bin of their time, the boundary belonging to the later bin", () => {
    const c = new BinnedCounter(10);
    for (const t of [0, 9, 10, 25, 25]) c.add(t);
    expect(c.perBin).toEqual([2, 1, 2]);
    expect(c.total).toBe(5);
  });
});
