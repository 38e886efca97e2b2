/**
 * Benchmark harness: each benchmark has one or more cases measured in interleaved rounds (so a
 * slow phase of the machine hits every case alike); the figure is the median over rounds of
 * work units per wall-clock second. A benchmark may name a baseline case; every other case is
 * then reported as a ratio to it. Figures are printed, never asserted: tests never time anything.
 *
 * To add benchmarks: export `benchmarks: Benchmark[]` from a module in bench/ and add one import
 * line to bench/run.ts.
 */
import { performance } from "node:perf_hooks";

export interface BenchCase {
  readonly name: string;
  /** Untimed set-up before each run (e.g. filling a queue). */
  readonly prepare?: () => void;
  /** Runs the workload once and returns the amount of work done (events, messages, ...). */
  readonly run: () => number;
}

export interface Benchmark {
  /** Group used by `npm run bench -- <group>`: "engine", "amqp", "cluster", "openstack", "sweeps". */
  readonly group: string;
  readonly name: string;
  /** Unit of the work counted by run(), e.g. "events" or "messages". */
  readonly unit: string;
  readonly cases: readonly BenchCase[];
  /** Name of the case the others are divided by (ratio = case rate / baseline rate). */
  readonly baseline?: string;
  /** Measured rounds; the median is reported. Default 5. */
  readonly rounds?: number;
  /** Unmeasured warm-up rounds (JIT). Default 1. */
  readonly warmup?: number;
}

export interface CaseResult {
  readonly name: string;
  readonly unit: string;
  /** Median work units per wall-clock second. */
  readonly medianRate: number;
  /** Median wall-clock seconds per round. */
  readonly medianSeconds: number;
  /**
   * Median work units per CPU second of this process (user + system, all its threads). Steadier
   * than the wall-clock rate when the machine is shared; GC helper threads count against it.
   */
  readonly medianCpuRate: number;
  readonly work: number;
  readonly rates: readonly number[];
  /** medianRate / baseline's medianRate, if the benchmark has a baseline. */
  readonly ratio?: number;
  /** medianCpuRate / baseline's medianCpuRate: the steadier ratio on a shared machine. */
  readonly cpuRatio?: number;
}

export interface BenchmarkResult {
  readonly group: string;
  readonly name: string;
  readonly cases: readonly CaseResult[];
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return Number.NaN;
  return n % 2 === 1 ? s[(n - 1) >> 1]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

function timeOnce(c: BenchCase): { seconds: number; cpuSeconds: number; work: number } {
  c.prepare?.();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const work = c.run();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, work };
}

export function runBenchmark(b: Benchmark, log: (line: string) => void = console.log): BenchmarkResult {
  const rounds = b.rounds ?? 5;
  const warmup = b.warmup ?? 1;
  for (let i = 0; i < warmup; i++) for (const c of b.cases) timeOnce(c);
  const samples = new Map<string, { seconds: number[]; rates: number[]; cpuRates: number[]; work: number }>();
  for (const c of b.cases) samples.set(c.name, { seconds: [], rates: [], cpuRates: [], work: 0 });
  for (let r = 0; r < rounds; r++) {
    for (const c of b.cases) {
      const { seconds, cpuSeconds, work } = timeOnce(c);
      const s = samples.get(c.name)!;
      s.seconds.push(seconds);
      s.rates.push(work / seconds);
      s.cpuRates.push(work / cpuSeconds);
      s.work = work;
    }
  }
  const baseRate = b.baseline === undefined ? undefined : median(samples.get(b.baseline)?.rates ?? []);
  const baseCpuRate = b.baseline === undefined ? undefined : median(samples.get(b.baseline)?.cpuRates ?? []);
  const cases: CaseResult[] = b.cases.map((c) => {
    const s = samples.get(c.name)!;
    const medianRate = median(s.rates);
    const base = {
      name: c.name,
      unit: b.unit,
      medianRate,
      medianSeconds: median(s.seconds),
      medianCpuRate: median(s.cpuRates),
      work: s.work,
      rates: s.rates,
    };
    if (baseRate === undefined || baseCpuRate === undefined || c.name === b.baseline) return base;
    return { ...base, ratio: medianRate / baseRate, cpuRatio: base.medianCpuRate / baseCpuRate };
  });
  const result = { group: b.group, name: b.name, cases };
  for (const line of formatResult(result, rounds)) log(line);
  return result;
}

/** "1.23 M" style figure for rates. */
export function si(x: number): string {
  if (x >= 1e9) return `${(x / 1e9).toFixed(2)} G`;
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)} M`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)} k`;
  return x.toFixed(1);
}

export function formatResult(r: BenchmarkResult, rounds: number): string[] {
  const lines = [`[${r.group}] ${r.name}  (median of ${rounds})`];
  const width = Math.max(...r.cases.map((c) => c.name.length));
  for (const c of r.cases) {
    const ratio =
      c.ratio === undefined ? "" : `  ratio ${c.ratio.toFixed(2)}x (${c.cpuRatio?.toFixed(2)}x per cpu-s)`;
    lines.push(
      `  ${c.name.padEnd(width)}  ${si(c.medianRate).padStart(9)} ${c.unit}/s  (${si(c.medianCpuRate)}/cpu-s)  ${c.medianSeconds.toFixed(3)} s/run  ${si(c.work)} ${c.unit}${ratio}`,
    );
  }
  return lines;
}

/** Run every benchmark whose group (or name) matches one of `filters` (all if none). */
export function runAll(all: readonly Benchmark[], filters: readonly string[]): BenchmarkResult[] {
  const chosen =
    filters.length === 0 ? all : all.filter((b) => filters.some((f) => b.group === f || b.name.includes(f)));
  if (chosen.length === 0) {
    const groups = [...new Set(all.map((b) => b.group))].join(", ");
    throw new Error(`no benchmark matches ${filters.join(" ")}; groups: ${groups}`);
  }
  return chosen.map((b) => runBenchmark(b));
}
