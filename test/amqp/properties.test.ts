import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { configArb, runWorkload } from "./workload.js";

describe("properties over random small workloads", () => {
  it("every message copy ends in exactly one fate (finish() checks the invariant)", () => {
    fc.assert(
      fc.property(configArb, (cfg) => {
        const { trace, copies } = runWorkload(cfg);
        expect(trace.filter((l) => !l.includes("deliver")).length).toBe(copies);
      }),
      { numRuns: 150, seed: 42 },
    );
  });

  it("with delayed CPU, network and disk steps, and a run cut short, every copy still ends in one fate", () => {
    fc.assert(
      fc.property(configArb, fc.nat(10_000), (cfg, seed) => {
        const { trace, copies } = runWorkload(cfg, seed);
        expect(trace.filter((l) => !l.includes("deliver")).length).toBe(copies);
      }),
      { numRuns: 150, seed: 11 },
    );
  });

  it("the same workload gives the same trace twice (determinism)", () => {
    fc.assert(
      fc.property(configArb, (cfg) => {
        expect(runWorkload(cfg).trace).toEqual(runWorkload(cfg).trace);
      }),
      { numRuns: 50, seed: 7 },
    );
  });
});
