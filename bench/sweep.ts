/**
 * Sweep benchmarks: a 20-point x 10-replication sweep of scenarios/work-queues.yaml (publish rate
 * 5/s..100/s, 60 s simulated per run, 200 runs) through the BUILT CLI, with 1 worker (runs in
 * the main thread) and with 2 worker threads. Work is counted in runs; the ratio of the 2-worker
 * case to the 1-worker case is the parallel speed-up (target >= 1.8 on 2 cores). Each round is a
 * fresh process, so thread and module start-up are included, as a user sees them.
 *
 * On a shared machine the wall-clock ratio says little (other processes take the cores), so
 * the CPU seconds of each sweep process (user + system, from /proc/self/stat's cutime and
 * cstime of the reaped child) are printed too: with W workers on W idle cores the speed-up is
 * about W x CPU(1 worker) / CPU(W workers), if the runs are balanced over the threads.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchCase, Benchmark } from "./harness.js";

const MAIN = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));
const POINTS = 20;
const REPLICATIONS = 10;
const ROUNDS = 3;

/** CPU seconds of this process's reaped children (Linux /proc; NaN elsewhere). */
function childCpuSeconds(): number {
  if (!existsSync("/proc/self/stat")) return Number.NaN;
  const stat = readFileSync("/proc/self/stat", "utf8");
  // fields after the ")" that closes the command name; cutime and cstime are fields 16 and 17
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[13]) + Number(fields[14])) / 100; // clock ticks, USER_HZ = 100
}

const cpu = new Map<number, number[]>();

function medianOf(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function reportCpu(): void {
  const one = medianOf(cpu.get(1) ?? []);
  const two = medianOf(cpu.get(2) ?? []);
  console.log(
    `  CPU per sweep (median): 1 worker ${one.toFixed(2)} s, 2 workers ${two.toFixed(2)} s; ` +
      `speed-up on 2 idle cores ~ 2 x ${one.toFixed(2)} / ${two.toFixed(2)} = ${((2 * one) / two).toFixed(2)}x`,
  );
}

function sweepCase(workers: number): BenchCase {
  return {
    name: `${workers} worker${workers === 1 ? "" : "s"}`,
    run: () => {
      const out = mkdtempSync(join(tmpdir(), "amqpsim-bench-sweep-"));
      const cpu0 = childCpuSeconds();
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
        const samples = cpu.get(workers) ?? [];
        samples.push(childCpuSeconds() - cpu0);
        cpu.set(workers, samples);
        if (workers === 2 && samples.length === ROUNDS) reportCpu();
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
    rounds: ROUNDS,
    warmup: 0,
  },
];
