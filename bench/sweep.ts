/**
 * Sweep benchmarks: a 20-point x 10-replication sweep of scenarios/work-queues.yaml (publish rate
 * 5/s..100/s, 60 s simulated per run, 200 runs) through the BUILT CLI, with 1 worker (runs in
 * the main thread) and with 2 worker threads. Work is counted in runs; the ratio of the 2-worker
 * case to the 1-worker case is the parallel speed-up (target >= 1.8 on 2 cores). Each round is a
 * fresh process, so thread and module start-up are included, as a user sees them.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchCase, Benchmark } from "./harness.js";

const MAIN = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));
const POINTS = 20;
const REPLICATIONS = 10;

function sweepCase(workers: number): BenchCase {
  return {
    name: `${workers} worker${workers === 1 ? "" : "s"}`,
    run: () => {
      const out = mkdtempSync(join(tmpdir(), "amqpsim-bench-sweep-"));
      try {
        const r = spawnSync(
          process.execPath,
          [
            MAIN,
            "sweep",
            "work-queues",
            "--vary",
            "producers.dispatcher.rate=5/s..100/s:5/s",
            "--replications",
            String(REPLICATIONS),
            "--workers",
            String(workers),
            "--out",
            out,
            "--quiet",
          ],
          { encoding: "utf8" },
        );
        if (r.status !== 0) throw new Error(`sweep failed (exit ${r.status}):\n${r.stderr}`);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
      return POINTS * REPLICATIONS;
    },
  };
}

export const benchmarks: Benchmark[] = [
  {
    group: "sweeps",
    name: `work-queues sweep, ${POINTS} points x ${REPLICATIONS} replications (wall time per sweep; ratio = speed-up)`,
    unit: "runs",
    cases: [sweepCase(1), sweepCase(2)],
    baseline: "1 worker",
    rounds: 3,
    warmup: 0,
  },
];
