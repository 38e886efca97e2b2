import { describe, expect, it } from "vitest";
import { Fifo } from "../../src/engine/fifo.js";

describe("Fifo", () => {
  it("gives items back in the order they were pushed, across compactions, and undefined when empty", () => {
    const f = new Fifo<number>();
    expect(f.shift()).toBeUndefined();
    const out: number[] = [];
    let next = 0;
    // interleave pushes and shifts so the head passes the compaction threshold several times
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 300; i++) f.push(next++);
      for (let i = 0; i < 200; i++) out.push(f.shift()!);
    }
    expect(f.length).toBe(next - out.length);
    while (f.length > 0) out.push(f.shift()!);
    expect(out).toEqual(Array.from({ length: next }, (_, i) => i));
    expect(f.shift()).toBeUndefined();
  });
});
