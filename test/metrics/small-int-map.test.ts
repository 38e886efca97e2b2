import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SmallIntMap } from "../../src/metrics/small-int-map.js";

describe("SmallIntMap", () => {
  it("answers every get, increment and take as a Map would, below and above 8 entries", () => {
    // keys from a small range so that sets, increments and takes hit present keys often
    const op = fc.tuple(fc.constantFrom("set", "increment", "take", "get"), fc.nat(30), fc.nat(1000));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const m = new SmallIntMap();
        const ref = new Map<number, number>();
        for (const [kind, key, value] of ops) {
          if (kind === "set") {
            m.set(key, value);
            ref.set(key, value);
          } else if (kind === "increment") {
            const v = (ref.get(key) ?? 0) + 1;
            ref.set(key, v);
            expect(m.increment(key)).toBe(v);
          } else if (kind === "take") {
            expect(m.take(key)).toBe(ref.get(key));
            ref.delete(key);
          } else expect(m.get(key)).toBe(ref.get(key));
        }
        for (let k = 0; k <= 30; k++) expect(m.get(k)).toBe(ref.get(k));
      }),
    );
  });
});
