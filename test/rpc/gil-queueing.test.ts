import { describe, expect, it } from "vitest";
import { seconds } from "../../src/engine/time.js";
import { dist, service, workload, world } from "./helpers.js";

/**
 * An RPC server process runs the `cpu:` part of its methods one at a time (the Python GIL), FIFO,
 * whatever its executor threads. Fed by Poisson casts it is an M/G/1 queue, so the mean service
 * phase of a request (GIL wait + CPU time; the method has no other time) must match
 * Pollaczek-Khinchine: W = E[S] + λ E[S²] / (2 (1 − ρ)). Checked over R replications: the analytic
 * value must lie inside the 95 % confidence interval of the replication means (Student t).
 */
const LAMBDA = 70; // casts per second
const REPLICATIONS = 10;
const T_975_DF9 = 2.262;

function meanServicePhase(cpu: string, seed: number): number {
  const w = world(
    [service("worker", { methods: { work: { time: dist("const(0s)"), cpu: dist(cpu), steps: [] } } })],
    [workload("load", "api", LAMBDA, "cast worker.work", { arrivals: "poisson", stop: seconds(300) })],
    {},
    seed,
  );
  w.sim.run({ until: seconds(310) });
  const m = w.system.finish().methods["worker.work"]!;
  expect(m.requests).toBeGreaterThan(LAMBDA * 300 * 0.9);
  expect(m.timeouts + m.failed).toBe(0);
  return m.service;
}

function interval(cpu: string): { mean: number; half: number } {
  const xs = Array.from({ length: REPLICATIONS }, (_, k) => meanServicePhase(cpu, 100 + k));
  const mean = xs.reduce((a, x) => a + x, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1));
  return { mean, half: (T_975_DF9 * sd) / Math.sqrt(xs.length) };
}

describe("an RPC server's GIL against queueing theory (M/G/1, Poisson casts at 70/s)", () => {
  it("M/M/1, exponential CPU time with mean 10 ms (ρ = 0.7): W = 1 / (μ − λ) = 33.3 ms", () => {
    const w = 1 / (100 - LAMBDA);
    const { mean, half } = interval("exp(10ms)");
    expect(Math.abs(mean - w)).toBeLessThan(half);
    expect(half).toBeLessThan(0.1 * w); // a tight interval, not a vacuous one
  });

  it("M/D/1, a constant 10 ms (ρ = 0.7): W = 10 ms + ρ / (2 μ (1 − ρ)) = 21.7 ms", () => {
    const rho = LAMBDA / 100;
    const w = 0.01 + rho / (2 * 100 * (1 - rho));
    const { mean, half } = interval("const(10ms)");
    expect(Math.abs(mean - w)).toBeLessThan(half);
    expect(half).toBeLessThan(0.1 * w);
  });
});
