import Tinypool from "tinypool";
import type { JobRunner, RunJob } from "./execute.js";
import { runJob } from "./run-job.js";

export interface Runner {
  readonly run: JobRunner;
  close(): Promise<void>;
}

/** Runs jobs one after another in this thread (--workers 1): no thread start-up, easy to debug. */
export function inProcessRunner(): Runner {
  return {
    // yield between runs so progress output and signals are handled
    run: (job: RunJob) =>
      new Promise((resolve, reject) =>
        setImmediate(() => {
          try {
            resolve(runJob(job));
          } catch (e) {
            reject(e);
          }
        }),
      ),
    close: async () => {},
  };
}

/**
 * A pool of `workers` worker threads (tinypool), each loading the scenario file itself and
 * returning only the run's summary. Results are placed by (point, replication), so the order in
 * which threads finish does not change sweep.json.
 */
export function poolRunner(workers: number): Runner {
  const here = import.meta.url;
  // from sources (tests, tsx) the worker is TypeScript and needs tsx's loader
  const fromSource = here.endsWith(".ts");
  const pool = new Tinypool({
    filename: new URL(fromSource ? "./worker.ts" : "./worker.js", here).href,
    minThreads: workers,
    maxThreads: workers,
    isolateWorkers: false,
    ...(fromSource ? { execArgv: ["--import", "tsx"] } : {}),
  });
  return {
    run: (job: RunJob) => pool.run(job) as Promise<unknown>,
    close: () => pool.destroy(),
  };
}

/** --workers 1 runs in this thread; more use a worker pool. */
export function createRunner(workers: number): Runner {
  return workers <= 1 ? inProcessRunner() : poolRunner(workers);
}
