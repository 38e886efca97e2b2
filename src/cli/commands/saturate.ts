import { availableParallelism } from "node:os";
import { join } from "node:path";
import { type Command, Option } from "commander";
import { CliError, EXIT_USAGE } from "../errors.js";
import { collect, parseSeed } from "./options.js";
import { parsePositive, planFromArgs, SweepProgress, writeFileAtomic } from "./sweep.js";

interface SaturateOpts {
  readonly param: string;
  readonly range?: string;
  readonly slo?: string;
  readonly set: string[];
  readonly replications: number;
  readonly workers: number;
  readonly seed?: number;
  readonly seeding: "common" | "independent";
  readonly warmup?: string;
  readonly confident?: boolean;
  readonly out?: string;
}

export function saturateCommand(program: Command): void {
  program
    .command("saturate")
    .description(
      "find the largest value of a parameter that still meets an SLO (or the smallest, when more of it helps), with replications",
    )
    .argument("<file>", "scenario file, or the name of a bundled scenario")
    .requiredOption(
      "--param <path[=FROM..TO:STEP]>",
      "the parameter and its range, e.g. producers.orders.rate=100/s..5000/s:50/s",
    )
    .option("--range <FROM..TO:STEP>", "the range, if not given in --param")
    .option("--slo <expr>", 'the objective, e.g. "latency.p99<30s" (default: the scenario\'s slo:)')
    .option("--set <path=value>", "override a scenario value (repeatable)", collect, [])
    .option("--replications <n>", "runs per evaluated value", parsePositive, 5)
    .addOption(
      new Option("--workers <n>", "worker threads")
        .argParser(parsePositive)
        .default(availableParallelism(), "the number of cores"),
    )
    .option("--seed <n>", "base seed (default: the scenario's seed)", parseSeed)
    .addOption(
      new Option("--seeding <mode>", "replication seeds across values")
        .choices(["common", "independent"])
        .default("common"),
    )
    .option("--warmup <mser5|none|duration>", "start of each run discarded before the steady.* statistics")
    .option(
      "--confident",
      "require the SLO to hold at the pessimistic end of each 95 % confidence interval, not just on the mean",
    )
    .option("--out <file>", "also write the search as JSON to this file")
    .addHelpText(
      "after",
      '\nExample: amqpsim saturate scenarios/work-queues.yaml --param producers.dispatcher.rate=50/s..1000/s:10/s --slo "latency.p99<1s"',
    )
    .action(async (file: string, opts: SaturateOpts) => {
      process.exitCode = await saturate(file, opts);
    });
}

async function saturate(file: string, opts: SaturateOpts): Promise<number> {
  const s = await import("../../sweep/index.js");
  const varyText = opts.range !== undefined ? `${opts.param}=${opts.range}` : opts.param;
  if (!varyText.includes("="))
    throw new CliError("--param needs a range: --param PATH=FROM..TO:STEP or --range FROM..TO:STEP");
  const { spec, path } = await planFromArgs(file, {
    vary: [varyText],
    set: opts.set,
    replications: opts.replications,
    seeding: opts.seeding,
    ...(opts.seed === undefined ? {} : { seed: opts.seed }),
    ...(opts.slo === undefined ? {} : { slo: opts.slo }),
    ...(opts.warmup === undefined ? {} : { warmup: opts.warmup }),
  });
  if (spec.slo === null)
    throw new CliError("saturate needs an SLO: --slo EXPR or an slo: section in the scenario", EXIT_USAGE);
  const dim = spec.vary[0]!;
  const runner = s.createRunner(Math.min(opts.workers, opts.replications));
  const bar = new SweepProgress();
  const points = new Map<number, import("../../sweep/result.js").SweepPoint>();
  let runsDone = 0;
  // each evaluation is a one-point sweep of value i (same seeds for every value with common seeding)
  const evaluate = async (i: number) => {
    const one = {
      ...spec,
      vary: [{ ...dim, values: [dim.values[i]!], numeric: dim.numeric === null ? null : [dim.numeric[i]!] }],
    };
    const runs = await s.executeJobs(s.sweepJobs(one, path), runner.run, (p) => {
      bar.update({
        runsDone: runsDone + p.runsDone,
        runsTotal: runsDone + p.runsTotal,
        pointsDone: points.size,
        pointsTotal: points.size + 1,
      });
    });
    runsDone += runs.length;
    const point = s.aggregate(one, runs).points[0]!;
    points.set(i, point);
    return point;
  };
  let answer: import("../../sweep/saturate.js").SaturationAnswer;
  try {
    answer = await s.searchSaturation(dim.values.length, evaluate, opts.confident ? "confident" : "mean");
  } finally {
    bar.done();
    await runner.close();
  }
  const clauses = spec.slo.split(/\s+and\s+/i);
  const describe = (i: number) => {
    const p = points.get(i)!;
    const parts = s.parseSloClauses(spec.slo!).map(({ path: m, unit, unitScale }) => {
      const e = p.metrics[m];
      if (e === undefined) return `${m}: not in the summary`;
      const f = (v: number) => `${fmt(v / unitScale)}${unit}`;
      const ci = e.lo === null ? "" : ` (95 % CI ${f(e.lo)} .. ${f(e.hi!)})`;
      return `${m} = ${f(e.mean)}${ci}`;
    });
    const slo = p.slo!;
    return `${dim.path}=${dim.values[i]}: ${parts.join("; ")}; SLO ${slo.pass ? "met" : "missed"} on the mean, ${slo.confident ? "met" : "not met"} at the 95 % bound; ${Math.round(slo.passFraction * spec.replications)}/${spec.replications} replications met it`;
  };
  const lines: string[] = [];
  const what = opts.confident ? "with 95 % confidence" : "on the mean of the replications";
  switch (answer.direction) {
    case "largest":
      lines.push(`largest ${dim.path} meeting "${spec.slo}" ${what}: ${dim.values[answer.index!]}`);
      break;
    case "smallest":
      lines.push(`smallest ${dim.path} meeting "${spec.slo}" ${what}: ${dim.values[answer.index!]}`);
      break;
    case "all-pass":
      lines.push(`every value up to ${dim.values.at(-1)} meets "${spec.slo}" (${what}): widen the range`);
      break;
    case "none-pass":
      lines.push(`no value in ${dim.values[0]}..${dim.values.at(-1)} meets "${spec.slo}" (${what})`);
      break;
  }
  if (answer.index !== null) lines.push(`  ${describe(answer.index)}`);
  if (answer.failingNeighbour !== null) lines.push(`  next step fails: ${describe(answer.failingNeighbour)}`);
  lines.push(
    `evaluated ${answer.evaluated.length} values x ${spec.replications} replications (bisection; clauses: ${clauses.join(", ")})`,
  );
  process.stdout.write(`${lines.join("\n")}\n`);
  if (opts.out !== undefined) {
    const json = {
      format: "amqpsim-saturate/1",
      spec,
      criterion: opts.confident ? "confident" : "mean",
      answer: {
        direction: answer.direction,
        value: answer.index === null ? null : dim.values[answer.index]!,
        failingNeighbour: answer.failingNeighbour === null ? null : dim.values[answer.failingNeighbour]!,
      },
      evaluated: answer.evaluated.map((i) => ({ value: dim.values[i]!, point: points.get(i)! })),
    };
    writeFileAtomic(opts.out, `${JSON.stringify(json, null, 2)}\n`);
    process.stdout.write(`search: ${join(opts.out)}\n`);
  }
  return 0;
}

function fmt(x: number): string {
  return String(Number(x.toPrecision(4)));
}
