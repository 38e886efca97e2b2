import { describe, expect, it } from "vitest";
import { type ProcessHandle, Simulator, spawn } from "../../src/engine/index.js";

describe("spawn (generator processes)", () => {
  it("resumes the generator after each yielded delay, in simulated time", () => {
    const sim = new Simulator();
    const log: string[] = [];
    const p = spawn(
      sim,
      (function* () {
        log.push(`start ${sim.now}`);
        yield 10;
        log.push(`after 10: ${sim.now}`);
        yield 0;
        log.push(`after 0: ${sim.now}`);
        yield 5;
        log.push(`end ${sim.now}`);
      })(),
    );
    expect(log).toEqual(["start 0"]); // runs synchronously up to its first yield
    sim.run();
    expect(log).toEqual(["start 0", "after 10: 10", "after 0: 10", "end 15"]);
    expect(p.done).toBe(true);
  });

  it("interleaves two processes by time; at equal times the earlier-scheduled wake-up runs first", () => {
    const sim = new Simulator();
    const log: string[] = [];
    const ticker = (name: string, every: number) =>
      function* () {
        for (let i = 0; i < 3; i++) {
          yield every;
          log.push(`${sim.now} ${name}`);
        }
      };
    spawn(sim, ticker("a", 2)());
    spawn(sim, ticker("b", 3)());
    sim.run();
    // both wake at 6: b scheduled its wake-up at t=3, a at t=4
    expect(log).toEqual(["2 a", "3 b", "4 a", "6 b", "6 a", "9 b"]);
  });

  it("kill() cancels the pending wake-up and runs the generator's finally block", () => {
    const sim = new Simulator();
    const log: string[] = [];
    const p: ProcessHandle = spawn(
      sim,
      (function* () {
        try {
          for (;;) {
            yield 1;
            log.push(`tick ${sim.now}`);
          }
        } finally {
          log.push(`closed ${sim.now}`);
        }
      })(),
    );
    sim.schedule(3, () => p.kill());
    sim.run();
    expect(log).toEqual(["tick 1", "tick 2", "closed 3"]);
    expect(p.done).toBe(true);
    expect(sim.pending).toBe(0);
  });
});
