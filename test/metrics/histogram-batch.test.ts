import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LogLinearHistogram } from "../../src/metrics/histogram.js";
import { HistogramBatch } from "../../src/metrics/histogram-batch.js";

describe("HistogramBatch", () => {
  it("leaves each histogram as recording its values at once would, across batch boundaries", () => {
    // a batch of 7 values: most runs of adds cross several flushes
    const add = fc.tuple(fc.nat(3), fc.oneof(fc.nat(300), fc.integer({ min: 0, max: 2 ** 40 })));
    fc.assert(
      fc.property(fc.array(add, { maxLength: 60 }), (adds) => {
        const batch = new HistogramBatch(7);
        const batched = [5, 5, 7, 3].map((bits) => new LogLinearHistogram(bits));
        const direct = [5, 5, 7, 3].map((bits) => new LogLinearHistogram(bits));
        const ids = batched.map((h) => batch.register(h));
        for (const [which, v] of adds) {
          batch.add(ids[which]!, v);
          direct[which]!.record(v);
        }
        batch.flush();
        for (let i = 0; i < direct.length; i++) expect(batched[i]).toEqual(direct[i]);
      }),
    );
  });

  it("records nothing until a batch fills or is flushed", () => {
    const batch = new HistogramBatch(3);
    const h = new LogLinearHistogram();
    const id = batch.register(h);
    batch.add(id, 10);
    batch.add(id, 20);
    expect(h.count).toBe(0);
    batch.add(id, 30); // the third value fills the batch
    expect([h.count, h.sum]).toEqual([3, 60]);
    batch.add(id, 40);
    batch.flush();
    expect([h.count, h.max]).toEqual([4, 40]);
  });
});
