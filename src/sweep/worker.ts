import type { RunJob } from "./execute.js";
import { runJob } from "./run-job.js";

/** Tinypool worker entry: one job in (file, overrides, seed), its summary out. */
export default function worker(job: RunJob): unknown {
  return runJob(job);
}
