import { type Command, Option } from "commander";
import { EXIT_FAILED, EXIT_USAGE } from "../errors.js";
import { renderExtrasText } from "../extras.js";
import { printProblems } from "../output.js";
import { resolveScenarioArg } from "../paths.js";
import { ProgressBar } from "../progress.js";
import { writeRunReport } from "../write-report.js";
import { collect, parseSeed } from "./options.js";

interface RunOpts {
  readonly seed?: number;
  readonly out: string;
  readonly set: string[];
  readonly format: "text" | "json";
  readonly quiet?: boolean;
  readonly report: boolean;
}

export function runCommand(program: Command): void {
  program
    .command("run")
    .description("run a scenario, print a summary and write its report to DIR/<scenario name>/")
    .argument("<file>", "scenario file, or the name of a bundled scenario (see `amqpsim list`)")
    .option("--seed <n>", "override the scenario's seed", parseSeed)
    .option("--out <dir>", "directory the report folder is written into", "reports")
    .option(
      "--set <path=value>",
      "override a scenario value (repeatable), e.g. producers.orders.rate=500/s",
      collect,
      [],
    )
    .addOption(
      new Option("--format <format>", "summary format on stdout").choices(["text", "json"]).default("text"),
    )
    .option("--quiet", "print only the report path (and problems)")
    .option("--no-report", "do not write report files")
    .addHelpText(
      "after",
      "\nExit codes: 0 ok; 1 the run failed or missed its SLO; 2 bad input or usage.\n" +
        "Example: amqpsim run scenarios/work-queues.yaml --seed 7 --set consumers.fair-slow.count=4",
    )
    .action(async (file: string, opts: RunOpts) => {
      process.exitCode = await run(file, opts);
    });
}

async function run(file: string, opts: RunOpts): Promise<number> {
  const scenario = await import("../../scenario/index.js");
  let loaded: import("../../scenario/index.js").Scenario;
  try {
    loaded = scenario.loadScenarioFile(resolveScenarioArg(file), { sets: opts.set });
  } catch (e) {
    if (e instanceof scenario.ScenarioError) {
      printProblems(e.problems);
      return EXIT_USAGE;
    }
    throw e;
  }
  const bar = new ProgressBar();
  let result: import("../../metrics/result.js").RunResult;
  try {
    result = scenario.runScenario(loaded, {
      ...(opts.seed === undefined ? {} : { seed: opts.seed }),
      onProgress: (p) => bar.update(p.now, p.end, p.events),
    });
  } catch (e) {
    bar.done();
    if (e instanceof scenario.RunError) {
      process.stderr.write(`amqpsim: run failed: ${e.message}\n`);
      return EXIT_FAILED;
    }
    throw e;
  }
  bar.done();
  const wall = bar.elapsedSeconds;
  let dir: string | undefined;
  if (opts.report) dir = await writeRunReport(opts.out, result);
  const slo = result.slo as { pass?: boolean } | undefined;
  if (opts.format === "json") {
    const out = {
      scenario: result.scenario,
      run: result.run,
      summary: result.summary,
      fates: result.fates,
      slo: result.slo ?? null,
      extensions: result.extensions ?? null,
      report: dir ?? null,
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else if (opts.quiet) {
    if (dir) process.stdout.write(`${dir}/index.html\n`);
  } else {
    const { renderTextSummary } = await import("../../report/index.js");
    process.stdout.write(renderTextSummary(result));
    process.stdout.write(renderExtrasText(result));
    if (result.slo) {
      const { formatSloOutcome } = await import("../../metrics/slo.js");
      process.stdout.write(
        `${formatSloOutcome(result.slo as unknown as Parameters<typeof formatSloOutcome>[0])}\n`,
      );
    }
    const rate = wall > 0 ? Math.round(result.run.events / wall) : 0;
    process.stdout.write(
      `\nsimulated ${Number(result.run.endTime.toPrecision(6))} s in ${wall.toFixed(2)} s wall (${result.run.events} events, ${rate} events/s)\n`,
    );
    if (dir) process.stdout.write(`report: ${dir}/index.html\n`);
  }
  if (!result.fates.conserved) {
    process.stderr.write("amqpsim: message fates do not add up to the copies published (a model bug)\n");
    return EXIT_FAILED;
  }
  if (slo?.pass === false) return EXIT_FAILED;
  return 0;
}
