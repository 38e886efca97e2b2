import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { basename, dirname, join } from "node:path";
import { type Command, InvalidArgumentError, Option } from "commander";
import type { SweepResult } from "../../sweep/result.js";
import { CliError, EXIT_USAGE } from "../errors.js";
import { writeFolderAtomic } from "../output.js";
import { resolveScenarioArg } from "../paths.js";
import { collect, parseSeed } from "./options.js";

interface SweepOpts {
  readonly vary: string[];
  readonly set: string[];
  readonly replications: number;
  readonly workers: number;
  readonly seed?: number;
  readonly seeding: "common" | "independent";
  readonly slo?: string;
  readonly warmup?: string;
  readonly latency?: string;
  readonly out?: string;
  readonly shard?: string;
  readonly quiet?: boolean;
}

/** A whole number >= 1 for --replications and --workers. */
export function parsePositive(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError("expected a whole number >= 1");
  return Number(value);
}

/**
 * The sweep progress line on a TTY (stderr): points done, runs done, ETA from the wall time per
 * run so far. Wall-clock reads live here in the CLI, never in the sweep or the model.
 */
export class SweepProgress {
  private readonly started = performance.now();
  private lastDraw = 0;
  private drawn = false;
  constructor(private readonly enabled = Boolean(process.stderr.isTTY)) {}

  update(p: { runsDone: number; runsTotal: number; pointsDone: number; pointsTotal: number }): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.lastDraw < 100 && p.runsDone < p.runsTotal) return;
    this.lastDraw = now;
    const frac = p.runsTotal > 0 ? p.runsDone / p.runsTotal : 1;
    const width = 30;
    const filled = Math.round(frac * width);
    const elapsed = (now - this.started) / 1000;
    const eta = p.runsDone > 0 ? (elapsed / p.runsDone) * (p.runsTotal - p.runsDone) : Number.NaN;
    const etaText = Number.isFinite(eta)
      ? `${Math.floor(eta / 60)}:${String(Math.round(eta % 60)).padStart(2, "0")}`
      : "?";
    process.stderr.write(
      `\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${p.pointsDone}/${p.pointsTotal} points  ${p.runsDone}/${p.runsTotal} runs  ETA ${etaText}\u001b[K`,
    );
    this.drawn = true;
  }

  done(): void {
    if (this.drawn) process.stderr.write("\r\u001b[K");
    this.drawn = false;
  }

  get elapsedSeconds(): number {
    return (performance.now() - this.started) / 1000;
  }
}

/** sweep.json, sweep.csv, index.html and charts/*.svg of a result. */
export async function sweepFiles(result: SweepResult): Promise<Record<string, string>> {
  const { sweepJson } = await import("../../sweep/serialize.js");
  const r = await import("../../report/sweep/index.js");
  const files: Record<string, string> = {
    "sweep.json": sweepJson(result),
    "sweep.csv": r.renderSweepCsv(result),
    "index.html": r.renderSweepHtml(result),
  };
  for (const [name, svg] of Object.entries(r.renderSweepCharts(result))) files[`charts/${name}`] = svg;
  return files;
}

/** Write a folder of report files atomically at exactly `dir`. */
export function writeReportDir(dir: string, files: Record<string, string>): string {
  return writeFolderAtomic(dirname(dir) || ".", basename(dir), files);
}

/** Write one file atomically (temp file + rename), creating its folder. */
export function writeFileAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Name of shard i of N's partial result file (merge reads every sweep.part-*.json in a folder). */
export function partFileName(index: number, count: number): string {
  return `sweep.part-${String(index).padStart(String(count - 1).length, "0")}-of-${count}.json`;
}

/** Loads the scenario for planning; turns input problems into a usage error. */
export async function planFromArgs(
  file: string,
  opts: {
    vary: readonly string[];
    set: readonly string[];
    replications: number;
    seed?: number;
    seeding: "common" | "independent";
    slo?: string;
    warmup?: string;
    latency?: string;
  },
) {
  const sweep = await import("../../sweep/index.js");
  const path = resolveScenarioArg(file);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new CliError(
      `cannot read scenario ${path}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`,
    );
  }
  try {
    const spec = sweep.planSweep(
      {
        file: path,
        text,
        vary: opts.vary,
        sets: opts.set,
        replications: opts.replications,
        seeding: opts.seeding,
        ...(opts.seed === undefined ? {} : { seed: opts.seed }),
        ...(opts.slo === undefined ? {} : { slo: opts.slo }),
        ...(opts.warmup === undefined ? {} : { warmup: opts.warmup }),
        ...(opts.latency === undefined ? {} : { analysis: { latency: opts.latency } }),
      },
      (sets) => sweep.loadPoint(path, sets),
    );
    return { spec, path };
  } catch (e) {
    if (e instanceof sweep.SweepInputError) throw new CliError(e.message, EXIT_USAGE);
    throw e;
  }
}

export function sweepCommand(program: Command): void {
  program
    .command("sweep")
    .description(
      "run a scenario over a grid of parameter values with replications; write sweep.json, sweep.csv and an HTML report",
    )
    .argument("<file>", "scenario file, or the name of a bundled scenario")
    .option(
      "--vary <path=values>",
      "a varied path: PATH=V1,V2,... or PATH=FROM..TO:STEP with units (repeatable)",
      collect,
      [],
    )
    .option("--set <path=value>", "override a scenario value at every point (repeatable)", collect, [])
    .option("--replications <n>", "runs per point, each with its own seed", parsePositive, 5)
    .addOption(
      new Option("--workers <n>", "worker threads")
        .argParser(parsePositive)
        .default(availableParallelism(), "the number of cores"),
    )
    .option("--seed <n>", "base seed (default: the scenario's seed)", parseSeed)
    .addOption(
      new Option(
        "--seeding <mode>",
        "common: replication r has the same seed at every point (common random numbers); independent: every run its own",
      )
        .choices(["common", "independent"])
        .default("common"),
    )
    .option(
      "--slo <expr>",
      'SLO checked per point, e.g. "steady.latency.p99<30s and throughput.consumed>=900/s" (default: the scenario\'s slo:)',
    )
    .option(
      "--warmup <mser5|none|duration>",
      "start of each run discarded before the steady.* statistics (default: the scenario's warmup:, else mser5)",
    )
    .option("--latency <path>", "summary path the knee analysis uses", "steady.latency.p99")
    .option("--out <dir>", "output folder (default: reports/<scenario name>-sweep)")
    .option(
      "--shard <i/N>",
      "run only shard i of N and write a partial result (default: JOB_COMPLETION_INDEX / AMQPSIM_SHARDS)",
    )
    .option("--quiet", "print only the output path")
    .addHelpText(
      "after",
      "\nExamples:\n" +
        "  amqpsim sweep scenarios/work-queues.yaml --vary consumers.fair-slow.count=1..6:1 --replications 10\n" +
        '  amqpsim sweep scenarios/work-queues.yaml --vary producers.dispatcher.rate=100/s..500/s:100/s --slo "steady.latency.p99<200ms"\n' +
        "  amqpsim sweep FILE --vary ... --shard 0/4 --out parts/   then   amqpsim merge parts/ --out result/",
    )
    .action(async (file: string, opts: SweepOpts) => {
      process.exitCode = await sweep(file, opts);
    });
}

async function sweep(file: string, opts: SweepOpts): Promise<number> {
  const s = await import("../../sweep/index.js");
  let shard: import("../../sweep/shard.js").Shard | undefined;
  try {
    shard = opts.shard !== undefined ? s.parseShard(opts.shard) : s.shardFromEnv(process.env);
  } catch (e) {
    if (e instanceof s.ShardError) throw new CliError(e.message, EXIT_USAGE);
    throw e;
  }
  const { spec, path } = await planFromArgs(file, opts);
  const jobs = s.sweepJobs(spec, path, shard);
  const runner = s.createRunner(Math.min(opts.workers, Math.max(1, jobs.length)));
  const bar = new SweepProgress(!opts.quiet && Boolean(process.stderr.isTTY));
  let runs: import("../../sweep/result.js").RunRecord[];
  try {
    runs = await s.executeJobs(jobs, runner.run, (p) => bar.update(p));
  } finally {
    bar.done();
    await runner.close();
  }
  const out = opts.out ?? join("reports", `${spec.scenario.name}-sweep`);
  if (shard !== undefined) {
    const target = join(out, partFileName(shard.index, shard.count));
    writeFileAtomic(target, s.partialJson(spec, shard, runs));
    process.stdout.write(
      opts.quiet
        ? `${target}\n`
        : `shard ${shard.index}/${shard.count}: ${runs.length} runs in ${bar.elapsedSeconds.toFixed(1)} s wall\npartial result: ${target}\n`,
    );
    return 0;
  }
  const result = s.aggregate(spec, runs);
  const dir = writeReportDir(out, await sweepFiles(result));
  if (opts.quiet) {
    process.stdout.write(`${dir}/index.html\n`);
    return 0;
  }
  const { renderSweepText } = await import("../../report/sweep/text.js");
  process.stdout.write(renderSweepText(result));
  process.stdout.write(
    `\n${result.points.length} points x ${spec.replications} replications in ${bar.elapsedSeconds.toFixed(1)} s wall (${opts.workers} worker${opts.workers === 1 ? "" : "s"})\nreport: ${dir}/index.html\n`,
  );
  return 0;
}
