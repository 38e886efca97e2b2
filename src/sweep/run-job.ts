import { DEFAULT_WARMUP, SteadyStateCollector, type SteadySummary } from "../metrics/warmup.js";
import { loadScenarioFile, runScenario, type Scenario, type World } from "../scenario/index.js";
import type { RunJob } from "./execute.js";

/**
 * Validated scenarios by (file, overrides): a worker runs many replications of few points, and
 * parsing the YAML once per point instead of once per run saves most of the set-up time. The
 * Scenario is plain data that runs never mutate, so sharing it across runs is safe.
 */
const cache = new Map<string, Scenario>();
const CACHE_LIMIT = 64;

export function loadPoint(file: string, sets: readonly string[]): Scenario {
  const key = JSON.stringify([file, sets]);
  let s = cache.get(key);
  if (s === undefined) {
    s = loadScenarioFile(file, { sets });
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(key, s);
  }
  return s;
}

/**
 * One run of a sweep: the run's summary plus `steady`, the statistics after the warm-up
 * (scenario `warmup:`, default MSER-5). This is everything a worker sends back.
 */
export function runJob(job: RunJob): Record<string, unknown> & { steady: SteadySummary } {
  const scenario = loadPoint(job.file, job.sets);
  let steady: SteadyStateCollector | undefined;
  let world: World | undefined;
  const result = runScenario(scenario, {
    seed: job.seed,
    onWorld: (w) => {
      world = w;
      steady = new SteadyStateCollector(w.signals, scenario.warmup ?? DEFAULT_WARMUP);
    },
  });
  return {
    ...(result.summary as unknown as Record<string, unknown>),
    steady: steady!.finish(world!.sim.now),
  };
}
