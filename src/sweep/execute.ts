import { pointCount, pointValues } from "./aggregate.js";
import type { RunRecord, SweepSpec } from "./result.js";
import { replicationSeed } from "./seeds.js";
import { inShard, type Shard } from "./shard.js";

/**
 * What one worker needs to do one run: the scenario file, the overrides (base --set first, then
 * the point's varied values) and the seed. Plain data, so it crosses a worker-thread boundary.
 */
export interface RunJob {
  readonly file: string;
  readonly sets: readonly string[];
  readonly seed: number;
  readonly point: number;
  readonly replication: number;
}

/** Runs one job and resolves to the run's summary (the only thing a worker sends back). */
export type JobRunner = (job: RunJob) => Promise<unknown>;

export interface Progress {
  readonly runsDone: number;
  readonly runsTotal: number;
  /** Points all of whose replications (in this shard) are done. */
  readonly pointsDone: number;
  readonly pointsTotal: number;
}

/** The jobs of a sweep (or of one shard of it), in (point, replication) order. */
export function sweepJobs(spec: SweepSpec, file: string, shard?: Shard): RunJob[] {
  const jobs: RunJob[] = [];
  const R = spec.replications;
  for (let point = 0; point < pointCount(spec); point++) {
    const values = pointValues(spec, point);
    const sets = [...spec.sets, ...spec.vary.map((d, k) => `${d.path}=${values[k]}`)];
    for (let replication = 0; replication < R; replication++) {
      if (shard !== undefined && !inShard(point * R + replication, shard)) continue;
      jobs.push({
        file,
        sets,
        point,
        replication,
        seed: replicationSeed(spec.seed, point, replication, spec.seeding),
      });
    }
  }
  return jobs;
}

/**
 * Run every job through `runner` (which may run them concurrently, e.g. a worker pool) and
 * collect the records in job order whatever order they finish in. Summaries are normalised
 * through JSON (as a partial file would carry them) so an in-process sweep and shards + merge
 * aggregate exactly the same values.
 */
export async function executeJobs(
  jobs: readonly RunJob[],
  runner: JobRunner,
  onProgress?: (p: Progress) => void,
): Promise<RunRecord[]> {
  const perPoint = new Map<number, number>();
  for (const j of jobs) perPoint.set(j.point, (perPoint.get(j.point) ?? 0) + 1);
  const pointsTotal = perPoint.size;
  let runsDone = 0;
  let pointsDone = 0;
  onProgress?.({ runsDone, runsTotal: jobs.length, pointsDone, pointsTotal });
  const records = await Promise.all(
    jobs.map(async (job): Promise<RunRecord> => {
      const summary = JSON.parse(JSON.stringify(await runner(job))) as unknown;
      runsDone++;
      const left = perPoint.get(job.point)! - 1;
      perPoint.set(job.point, left);
      if (left === 0) pointsDone++;
      onProgress?.({ runsDone, runsTotal: jobs.length, pointsDone, pointsTotal });
      return { point: job.point, replication: job.replication, seed: job.seed, summary };
    }),
  );
  return records;
}
