import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Simulator } from "../../src/engine/index.js";

describe("Simulator", () => {
  it("runs events at equal times in the order they were scheduled", () => {
    const sim = new Simulator();
    const order: number[] = [];
    for (let i = 0; i < 5; i++) sim.schedule(10, () => order.push(i));
    sim.schedule(5, () => order.push(-1));
    sim.run();
    expect(order).toEqual([-1, 0, 1, 2, 3, 4]);
    expect(sim.now).toBe(10);
  });

  it("an event scheduled far ahead (> 10 ms) runs before one scheduled later, close ahead, for the same time", () => {
    const sim = new Simulator();
    const order: string[] = [];
    const T = 50_000_000; // 50 ms
    sim.schedule(T, () => order.push("far first")); // far heap
    sim.schedule(T - 1_000_000, () => {
      sim.schedule(1_000_000, () => order.push("near second")); // near heap, same time, later seq
    });
    sim.schedule(T - 2_000_000, () => {
      sim.schedule(2_000_000, () => order.push("near first of its own")); // near, earlier seq than the one above
    });
    sim.run();
    expect(order).toEqual(["far first", "near first of its own", "near second"]);
  });

  it("runs any mix of near and far delays in (time, scheduling order), cancellations included", () => {
    const delays = fc.constantFrom(0, 1, 5_000, 9_999_999, 10_000_000, 10_000_001, 25_000_000, 1e9);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(delays, fc.array(delays, { maxLength: 3 }), fc.boolean()), { maxLength: 60 }),
        (plan) => {
          const sim = new Simulator();
          const ran: [number, number][] = []; // (time, scheduling index)
          let seq = 0;
          const expected: [number, number][] = [];
          for (const [d, children, cancel] of plan) {
            const me = seq++;
            const id = sim.schedule(d, () => {
              ran.push([sim.now, me]);
              for (const c of children) {
                const k = seq++;
                expected.push([sim.now + c, k]);
                sim.schedule(c, () => ran.push([sim.now, k]));
              }
            });
            if (cancel) sim.cancel(id);
            else expected.push([d, me]);
          }
          sim.run();
          expected.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
          expect(ran).toEqual(expected);
        },
      ),
    );
  });

  it("cancel removes a pending event and a stale handle cancels nothing", () => {
    const sim = new Simulator();
    const ran: string[] = [];
    const a = sim.schedule(1, () => ran.push("a"));
    sim.schedule(2, () => ran.push("b"));
    expect(sim.cancel(a)).toBe(true);
    expect(sim.cancel(a)).toBe(false);
    sim.run();
    expect(ran).toEqual(["b"]);
  });
});
