import { describe, expect, it } from "vitest";
import { RandomStreams } from "../../src/engine/random.js";
import { aggregate } from "../../src/sweep/aggregate.js";
import { executeJobs, type RunJob, sweepJobs } from "../../src/sweep/execute.js";
import { DEFAULT_ANALYSIS } from "../../src/sweep/plan.js";
import type { SweepSpec } from "../../src/sweep/result.js";
import { searchSaturation } from "../../src/sweep/saturate.js";
import { MergeError, mergePartials, partialJson, sweepJson } from "../../src/sweep/serialize.js";
import { parseShard, ShardError, shardFromEnv } from "../../src/sweep/shard.js";
import { parseVary } from "../../src/sweep/vary.js";

function spec(over: Partial<SweepSpec> = {}): SweepSpec {
  const d = parseVary("producers.p.rate=100/s..500/s:100/s");
  return {
    scenario: { name: "fake", sha256: "0".repeat(64) },
    seed: 7,
    seeding: "common",
    replications: 4,
    confidence: 0.95,
    sets: [],
    vary: [{ path: d.path, kind: d.kind, values: d.values, numeric: d.numeric }],
    slo: "latency.p99<0.05s",
    analysis: { latency: "latency.p99", offered: "throughput.published", throughput: "throughput.consumed" },
    ...over,
  };
}

/**
 * A stand-in for a simulation: an M/M/1-like latency 1/(μ - λ) with μ = 400/s, plus noise from
 * the job's seed, and throughput capped at μ. Deterministic in (sets, seed).
 */
function fakeRun(job: RunJob): {
  latency: { p99: number };
  throughput: { published: number; consumed: number };
} {
  const rate = Number(job.sets.at(-1)!.split("=")[1]!.replace("/s", ""));
  const noise = new RandomStreams(job.seed).stream("noise").next();
  const mu = 400;
  const p99 = rate < mu ? (4.6 / (mu - rate)) * (0.9 + 0.2 * noise) : 10 + noise;
  return { latency: { p99 }, throughput: { published: rate, consumed: Math.min(rate, mu) } };
}

/** A runner that finishes jobs in a scrambled order, like a worker pool. */
function scrambled(run: (job: RunJob) => unknown) {
  let k = 0;
  return (job: RunJob) =>
    new Promise<unknown>((resolve) => {
      const delay = (k++ * 7) % 5;
      setTimeout(() => resolve(run(job)), delay);
    });
}

describe("sweep aggregation", () => {
  it("per point: mean and Student-t interval of every numeric summary path, SLO on means and bounds", async () => {
    const s = spec();
    const runs = await executeJobs(sweepJobs(s, "f.yaml"), async (j) => fakeRun(j));
    const r = aggregate(s, runs);
    expect(r.points).toHaveLength(5);
    expect(Object.keys(r.points[0]!.metrics)).toEqual([
      "latency.p99",
      "throughput.published",
      "throughput.consumed",
    ]);
    const p0 = r.points[0]!.metrics["latency.p99"]!;
    expect(p0.n).toBe(4);
    expect(p0.lo!).toBeLessThan(p0.mean);
    expect(p0.mean).toBeGreaterThan((4.6 / 300) * 0.9);
    // p99 ≈ 4.6/(400 - λ): 0.015, 0.023, 0.046 s below 0.05 s; 400/s and 500/s are past capacity
    expect(r.points.map((p) => p.slo!.pass)).toEqual([true, true, true, false, false]);
    expect(r.analysis.lastPassing?.value).toBe("300/s");
    expect(r.analysis.saturation?.value).toBe("500/s");
    expect(r.analysis.knee?.value).toBe("300/s");
  });

  it("by default saturation compares consumed copies with enqueued copies: a fanout to two queues that keeps up is not saturated, one that falls behind is", async () => {
    const s = spec({ analysis: DEFAULT_ANALYSIS });
    // every message goes to two queues (2 copies); the consumers of one queue manage 250/s
    const fanout = (job: RunJob) => {
      const rate = Number(job.sets.at(-1)!.split("=")[1]!.replace("/s", ""));
      return {
        steady: { latency: { p99: 0.01 } },
        throughput: { published: rate, enqueued: 2 * rate, consumed: rate + Math.min(rate, 250) },
      };
    };
    const r = aggregate(s, await executeJobs(sweepJobs(s, "f.yaml"), async (j) => fanout(j)));
    // 300/s: 550 of 600 copies consumed (92 %), the first point below 95 %; against the publish
    // rate (550 > 300) it would never look saturated
    expect(r.analysis.saturation?.value).toBe("300/s");
  });

  it("common random numbers: replication r uses one seed at every point", () => {
    const jobs = sweepJobs(spec(), "f.yaml");
    const seedsOf = (p: number) => jobs.filter((j) => j.point === p).map((j) => j.seed);
    expect(seedsOf(0)).toEqual(seedsOf(4));
    expect(new Set(seedsOf(0)).size).toBe(4);
  });

  it("sweep.json bytes do not depend on the order runs finish in", async () => {
    const s = spec();
    const inOrder = sweepJson(aggregate(s, await executeJobs(sweepJobs(s, "f"), async (j) => fakeRun(j))));
    const shuffled = sweepJson(aggregate(s, await executeJobs(sweepJobs(s, "f"), scrambled(fakeRun))));
    expect(shuffled).toBe(inOrder);
  });

  it("a missing or duplicated run is an error, not a silently smaller sample", async () => {
    const s = spec();
    const runs = await executeJobs(sweepJobs(s, "f"), async (j) => fakeRun(j));
    expect(() => aggregate(s, runs.slice(1))).toThrow(
      /1 of 20 runs are missing, the first is point 0 replication 0/,
    );
    expect(() => aggregate(s, [...runs, runs[3]!])).toThrow(/appears twice/);
  });

  it("progress counts runs and whole points", async () => {
    const s = spec({ replications: 2 });
    const seen: string[] = [];
    await executeJobs(
      sweepJobs(s, "f"),
      async (j) => fakeRun(j),
      (p) => {
        seen.push(`${p.runsDone}/${p.runsTotal} ${p.pointsDone}/${p.pointsTotal}`);
      },
    );
    expect(seen[0]).toBe("0/10 0/5");
    expect(seen.at(-1)).toBe("10/10 5/5");
  });
});

describe("shards and merge", () => {
  it("shards i/N partition the runs round-robin and merge into exactly the single-process bytes", async () => {
    const s = spec();
    const whole = sweepJson(aggregate(s, await executeJobs(sweepJobs(s, "f"), async (j) => fakeRun(j))));
    for (const count of [1, 3, 7, 25]) {
      const parts: { source: string; text: string }[] = [];
      let total = 0;
      for (let index = count - 1; index >= 0; index--) {
        const shard = { index, count };
        const jobs = sweepJobs(s, "f", shard);
        total += jobs.length;
        parts.push({
          source: `part${index}`,
          text: partialJson(s, shard, await executeJobs(jobs, async (j) => fakeRun(j))),
        });
      }
      expect(total).toBe(20);
      expect(sweepJson(mergePartials(parts))).toBe(whole);
    }
  });

  it("merge refuses missing shards, duplicates and partials of different sweeps", async () => {
    const s = spec();
    const part = async (sp: SweepSpec, index: number, count: number) =>
      partialJson(
        sp,
        { index, count },
        await executeJobs(sweepJobs(sp, "f", { index, count }), async (j) => fakeRun(j)),
      );
    const a0 = { source: "a0", text: await part(s, 0, 2) };
    const a1 = { source: "a1", text: await part(s, 1, 2) };
    const b1 = { source: "b1", text: await part(spec({ seed: 8 }), 1, 2) };
    expect(() => mergePartials([a0])).toThrow(/missing shard\(s\) 1\/2/);
    expect(() => mergePartials([a0, a0])).toThrow(/both shard 0\/2/);
    expect(() => mergePartials([a0, b1])).toThrow(/b1 is from a different sweep than a0/);
    expect(() => mergePartials([a0, { source: "x", text: "{}" }])).toThrow(MergeError);
    expect(mergePartials([a1, a0]).points).toHaveLength(5);
  });

  it("--shard parses I/N; the environment gives JOB_COMPLETION_INDEX and AMQPSIM_SHARDS", () => {
    expect(parseShard("2/4")).toEqual({ index: 2, count: 4 });
    expect(() => parseShard("4/4")).toThrow(/index 4 is not below the count 4/);
    expect(() => parseShard("a/4")).toThrow(ShardError);
    expect(shardFromEnv({})).toBeUndefined();
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: "3", AMQPSIM_SHARDS: "5" })).toEqual({ index: 3, count: 5 });
    expect(() => shardFromEnv({ JOB_COMPLETION_INDEX: "3" })).toThrow(/AMQPSIM_SHARDS is not/);
  });
});

describe("saturation search", () => {
  const values = parseVary("producers.p.rate=100/s..500/s:10/s").values;
  async function evaluate(i: number) {
    const s = spec({
      vary: [{ path: "producers.p.rate", kind: "rate", values: [values[i]!], numeric: null }],
    });
    return aggregate(s, await executeJobs(sweepJobs(s, "f"), async (j) => fakeRun(j))).points[0]!;
  }

  it("bisects to the largest load that meets the SLO with a failing neighbour one step above", async () => {
    const a = await searchSaturation(values.length, evaluate, "mean");
    expect(a.direction).toBe("largest");
    // 4.6/(400-λ)·(0.9..1.1) < 0.05  <=>  λ < 308 .. 318
    const v = Number(values[a.index!]!.replace("/s", ""));
    expect(v).toBeGreaterThanOrEqual(300);
    expect(v).toBeLessThanOrEqual(320);
    expect(a.failingNeighbour).toBe(a.index! + 1);
    expect(a.evaluated.length).toBeLessThanOrEqual(Math.ceil(Math.log2(values.length)) + 2);
  });

  it("the confident answer is at most the mean answer", async () => {
    const mean = await searchSaturation(values.length, evaluate, "mean");
    const confident = await searchSaturation(values.length, evaluate, "confident");
    expect(confident.index!).toBeLessThanOrEqual(mean.index!);
  });

  it("searches for the smallest passing value when the SLO fails at FROM and passes at TO", async () => {
    const flip = (i: number) => evaluate(values.length - 1 - i);
    const a = await searchSaturation(values.length, flip, "mean");
    expect(a.direction).toBe("smallest");
    expect(a.failingNeighbour).toBe(a.index! - 1);
  });
});
