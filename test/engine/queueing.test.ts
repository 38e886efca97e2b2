import { describe, expect, it } from "vitest";
import {
  type Distribution,
  exponential,
  NS_PER_S,
  RandomStreams,
  Simulator,
} from "../../src/engine/index.js";

/**
 * Queueing theory with engine primitives only (Simulator, RandomStreams, distributions): the mean
 * waiting time in queue of an M/M/c FIFO queue must fall inside the 95 % confidence interval of
 * the replication means (Student t, R - 1 degrees of freedom) around the analytic Erlang C value.
 */

/** Erlang C: probability that an arrival waits, c servers, offered load a = λ/μ (< c). */
function erlangC(c: number, a: number): number {
  let term = 1;
  let sum = 1; // k = 0
  for (let k = 1; k < c; k++) {
    term *= a / k;
    sum += term;
  }
  const last = ((term * a) / c) * (c / (c - a)); // a^c / c! · c / (c - a)
  return last / (sum + last);
}

/** Mean waiting time in queue, seconds: Wq = C(c, a) / (cμ − λ). */
function analyticWq(lambda: number, mu: number, c: number): number {
  return erlangC(c, lambda / mu) / (c * mu - lambda);
}

/** One replication: mean wait (s) of customers warmup+1 .. warmup+customers. */
function simulateMmc(
  streams: RandomStreams,
  arrivals: Distribution,
  service: Distribution,
  servers: number,
  warmup: number,
  customers: number,
): number {
  const sim = new Simulator();
  const arrivalRng = streams.stream("arrivals");
  const serviceRng = streams.stream("service");
  const total = warmup + customers;
  const arrivedAt = new Float64Array(total);
  const queue = new Int32Array(total);
  let head = 0;
  let tail = 0;
  let next = 0;
  let busy = 0;
  let waitSum = 0;
  const start = (i: number): void => {
    if (i >= warmup) waitSum += sim.now - arrivedAt[i]!;
    sim.schedule(service.sample(serviceRng), depart);
  };
  const depart = (): void => {
    if (head < tail) start(queue[head++]!);
    else busy--;
  };
  const arrive = (): void => {
    const i = next++;
    arrivedAt[i] = sim.now;
    if (next < total) sim.schedule(arrivals.sample(arrivalRng), arrive);
    if (busy < servers) {
      busy++;
      start(i);
    } else queue[tail++] = i;
  };
  sim.schedule(arrivals.sample(arrivalRng), arrive);
  sim.run();
  return waitSum / customers / NS_PER_S;
}

/** 0.975 quantile of Student's t with 19 degrees of freedom. */
const T_975_19 = 2.093;

function confidenceInterval(xs: number[]): { mean: number; half: number } {
  const n = xs.length;
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  expect(n).toBe(20);
  return { mean, half: (T_975_19 * sd) / Math.sqrt(n) };
}

function replicate(lambda: number, mu: number, c: number, warmup: number, customers: number) {
  const root = new RandomStreams(2026);
  const arrivals = exponential(NS_PER_S / lambda, "duration");
  const service = exponential(NS_PER_S / mu, "duration");
  const means: number[] = [];
  for (let k = 0; k < 20; k++)
    means.push(simulateMmc(root.replication(k), arrivals, service, c, warmup, customers));
  return confidenceInterval(means);
}

describe("queueing theory on the engine", () => {
  it("Erlang C matches the tabulated value C(2, 1) = 1/3 and M/M/1's ρ", () => {
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 12);
    expect(erlangC(1, 0.7)).toBeCloseTo(0.7, 12);
  });

  it("M/M/1 (λ=0.5/s, μ=1/s): mean wait in queue is inside the 95 % CI around Wq = ρ/(μ−λ) = 1 s", () => {
    const wq = analyticWq(0.5, 1, 1);
    expect(wq).toBeCloseTo(1, 12);
    const ci = replicate(0.5, 1, 1, 2_000, 20_000);
    expect(Math.abs(ci.mean - wq)).toBeLessThan(ci.half);
    expect(ci.half / wq).toBeLessThan(0.1); // the interval is tight enough to mean something
  });

  it("M/M/c (λ=9/s, μ=1/s, c=10): mean wait in queue is inside the 95 % CI around the Erlang C value", () => {
    const wq = analyticWq(9, 1, 10);
    expect(wq).toBeCloseTo(0.6687, 3);
    const ci = replicate(9, 1, 10, 5_000, 40_000);
    expect(Math.abs(ci.mean - wq)).toBeLessThan(ci.half);
    expect(ci.half / wq).toBeLessThan(0.1);
  });
});
