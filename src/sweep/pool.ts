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

/** Tasks queued per worker thread ahead of the one it runs, so it never waits for this thread. */
const TASKS_AHEAD = 3;

function threadPool(threads: number): Tinypool {
  const here = import.meta.url;
  // from sources (tests, tsx) the worker is TypeScript and needs tsx's loader
  const fromSource = here.endsWith(".ts");
  return new Tinypool({
    filename: new URL(fromSource ? "./worker.ts" : "./worker.js", here).href,
    minThreads: threads,
    maxThreads: threads,
    isolateWorkers: false,
    concurrentTasksPerWorker: TASKS_AHEAD,
    ...(fromSource ? { execArgv: ["--import", "tsx"] } : {}),
  });
}

/**
 * `workers` runners in all: this thread plus workers - 1 worker threads (tinypool), each thread
 * loading the scenario file itself and returning only the run's summary. This thread is one of
 * the workers because it has already loaded and compiled everything while planning: a worker
 * thread's start-up (module loading, schema construction, JIT warm-up) costs about half a CPU
 * second. Worker threads get up to TASKS_AHEAD jobs queued so they keep running while this
 * thread is busy with a run of its own; this thread takes the next job whenever it is free.
 * Results are placed by (point, replication), so which thread ran a job never changes sweep.json.
 */
export function poolRunner(workers: number): Runner {
  const threads = Math.max(1, workers - 1);
  const pool = threadPool(threads);
  const queue: { job: RunJob; resolve: (v: unknown) => void; reject: (e: unknown) => void }[] = [];
  let inPool = 0;
  let mainBusy = false;
  const pump = (): void => {
    while (inPool < threads * TASKS_AHEAD && queue.length > 0) {
      const t = queue.shift()!;
      inPool++;
      (pool.run(t.job) as Promise<unknown>).then(
        (v) => {
          inPool--;
          t.resolve(v);
          pump();
        },
        (e) => {
          inPool--;
          t.reject(e);
          pump();
        },
      );
    }
    if (workers > 1 && !mainBusy && queue.length > 0) {
      mainBusy = true;
      // after pending I/O (worker results, progress), run one job here
      setImmediate(() => {
        const t = queue.shift();
        if (t !== undefined) {
          try {
            t.resolve(runJob(t.job));
          } catch (e) {
            t.reject(e);
          }
        }
        mainBusy = false;
        pump();
      });
    }
  };
  return {
    run: (job: RunJob) =>
      new Promise((resolve, reject) => {
        queue.push({ job, resolve, reject });
        pump();
      }),
    close: () => pool.destroy(),
  };
}

/** --workers 1 runs in this thread; more use this thread plus worker threads. */
export function createRunner(workers: number): Runner {
  return workers <= 1 ? inProcessRunner() : poolRunner(workers);
}
