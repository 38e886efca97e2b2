import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BinnedCounter, BinnedLevel, BinnedQueue } from "../../src/metrics/binned.js";

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

describe("BinnedQueue", () => {
  it("gives the numbers of three BinnedLevels and three BinnedCounters updated together, whatever the times and bins", () => {
    // times may repeat and go back (a lost copy's estimated levels are set at its fate's time);
    // counts: 0 none, 1 enqueued, 2 delivered, 3 consumed
    const change = fc.tuple(fc.integer({ min: -5, max: 40 }), fc.nat(20), fc.nat(20), fc.nat(3));
    fc.assert(
      fc.property(fc.array(change, { maxLength: 40 }), fc.integer({ min: 0, max: 30 }), (changes, tail) => {
        const q = new BinnedQueue(10);
        const ready = new BinnedLevel(10);
        const unacked = new BinnedLevel(10);
        const depth = new BinnedLevel(10);
        const counters = [new BinnedCounter(10), new BinnedCounter(10), new BinnedCounter(10)] as const;
        let t = 0;
        for (const [dt, r, u, count] of changes) {
          t = Math.max(0, t + dt);
          const bin = Math.floor(t / 10);
          q.set(t, bin, r, u);
          ready.set(t, r);
          unacked.set(t, u);
          depth.set(t, r + u);
          if (count === 1) q.countEnqueued(bin);
          if (count === 2) q.countDelivered(bin);
          if (count === 3) q.countConsumed(bin);
          if (count > 0) counters[count - 1]!.add(t);
        }
        const end = t + tail;
        q.close(end);
        for (const l of [ready, unacked, depth]) l.advance(end);
        // the arrays may differ in trailing zeros: compare over the longer length
        const same = (a: ArrayLike<number>, b: readonly number[]): void => {
          const n = Math.max(a.length, b.length);
          const pad = (x: ArrayLike<number>): number[] => Array.from({ length: n }, (_, i) => x[i] ?? 0);
          expect(pad(a)).toEqual(pad(b));
        };
        same(q.perBin("ready"), ready.binIntegral);
        same(q.perBin("unacked"), unacked.binIntegral);
        same(q.perBin("depthMax"), depth.binMax);
        same(q.perBin("enqueued"), counters[0].perBin);
        same(q.perBin("delivered"), counters[1].perBin);
        same(q.perBin("consumed"), counters[2].perBin);
        expect([q.readyIntegral, q.readyMax, q.ready]).toEqual([ready.integral, ready.max, ready.value]);
        expect([q.unackedIntegral, q.unackedMax, q.unacked]).toEqual([
          unacked.integral,
          unacked.max,
          unacked.value,
        ]);
        expect([q.depthIntegral, q.depthMax, q.depth]).toEqual([depth.integral, depth.max, depth.value]);
        expect([q.enqueued, q.delivered, q.consumed]).toEqual(counters.map((c) => c.total));
      }),
    );
  });

  it("a queue holding 3 ready from t=5 and 1 unacked from t=12 integrates both across 10 ns bins", () => {
    const q = new BinnedQueue(10);
    q.set(5, 0, 3, 0);
    q.countEnqueued(0);
    q.set(12, 1, 3, 1);
    q.countDelivered(1);
    q.close(20);
    const bins = (a: Float64Array): number[] => [...a.subarray(0, 3)];
    expect(bins(q.perBin("ready"))).toEqual([15, 30, 0]);
    expect(bins(q.perBin("unacked"))).toEqual([0, 8, 0]);
    expect(bins(q.perBin("depthMax"))).toEqual([3, 4, 0]);
    expect([bins(q.perBin("enqueued")), bins(q.perBin("delivered"))]).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect([q.depthIntegral, q.depthMax]).toEqual([53, 4]);
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
