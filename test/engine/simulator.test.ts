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
