import { describe, expect, it } from "vitest";
import { aggregate } from "../../src/sweep/aggregate.js";
import { executeJobs, sweepJobs } from "../../src/sweep/execute.js";
import { planSweep } from "../../src/sweep/plan.js";
import { loadPoint, runJob } from "../../src/sweep/run-job.js";

const FILE = "test/sweep/fixtures/mmc.yaml";

/** Erlang C mean waiting time in queue, seconds (Kleinrock, Queueing Systems vol. 1, §3.5). */
function erlangCWait(lambda: number, mu: number, c: number): number {
  const a = lambda / mu;
  let sum = 0;
  let term = 1; // a^k / k!
  for (let k = 0; k < c; k++) {
    sum += term;
    term *= a / (k + 1);
  }
  const top = term * (c / (c - a)); // a^c / c! · c / (c - a)
  const pWait = top / (sum + top);
  return pWait / (c * mu - lambda);
}

describe("validation: M/M/c", () => {
  it("a sweep of consumer count reproduces the Erlang C mean queue wait within its 95 % CI at every point", async () => {
    const spec = planSweep(
      {
        file: FILE,
        text: "",
        vary: ["consumers.servers.count=3,4,5"],
        sets: [],
        replications: 6,
        seeding: "common",
      },
      (sets) => loadPoint(FILE, sets),
    );
    const runs = await executeJobs(sweepJobs(spec, FILE), async (job) => runJob(job));
    const result = aggregate(spec, runs);
    const rows = result.points.map((p) => {
      const c = Number(p.values["consumers.servers.count"]);
      const e = p.metrics["steady.queueWait.mean"]!;
      return { c, theory: erlangCWait(800, 400, c), mean: e.mean, halfWidth: e.halfWidth! };
    });
    for (const r of rows) {
      expect(Math.abs(r.mean - r.theory), JSON.stringify(r)).toBeLessThanOrEqual(r.halfWidth);
      // and the interval is informative: narrower than half the value
      expect(r.halfWidth).toBeLessThan(r.theory / 2);
    }
  });
});
