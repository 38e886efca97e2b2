import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { CliError, EXIT_USAGE } from "../errors.js";
import { sweepFiles, writeReportDir } from "./sweep.js";

interface MergeOpts {
  readonly out: string;
  readonly quiet?: boolean;
}

/** The partial result files named by the arguments: files as given, folders' sweep.part-*.json. */
function partialFiles(args: readonly string[]): string[] {
  const files: string[] = [];
  for (const a of args) {
    if (!existsSync(a)) throw new CliError(`${a}: no such file or folder`);
    if (statSync(a).isDirectory()) {
      const parts = readdirSync(a)
        .filter((n) => /^sweep\.part-.*\.json$/.test(n))
        .sort();
      if (parts.length === 0)
        throw new CliError(`${a}: no sweep.part-*.json files (written by amqpsim sweep --shard)`);
      files.push(...parts.map((n) => join(a, n)));
    } else files.push(a);
  }
  return files;
}

export function mergeCommand(program: Command): void {
  program
    .command("merge")
    .description(
      "merge the partial results of a sharded sweep into the sweep.json (and report) one process would write",
    )
    .argument("<inputs...>", "folders holding sweep.part-*.json files, or the files themselves")
    .requiredOption("--out <dir>", "output folder for sweep.json, sweep.csv, index.html")
    .option("--quiet", "print only the output path")
    .addHelpText("after", "\nExample: amqpsim merge parts/ --out reports/work-queues-sweep")
    .action(async (inputs: string[], opts: MergeOpts) => {
      const { mergePartials, MergeError } = await import("../../sweep/serialize.js");
      const parts = partialFiles(inputs).map((source) => ({ source, text: readFileSync(source, "utf8") }));
      let result: import("../../sweep/result.js").SweepResult;
      try {
        result = mergePartials(parts);
      } catch (e) {
        if (e instanceof MergeError || e instanceof RangeError)
          throw new CliError(`merge: ${e.message}`, EXIT_USAGE);
        throw e;
      }
      const dir = writeReportDir(opts.out, await sweepFiles(result));
      if (!opts.quiet) {
        const { renderSweepText } = await import("../../report/sweep/text.js");
        process.stdout.write(renderSweepText(result));
        process.stdout.write(`\nmerged ${parts.length} partial result(s)\nreport: ${dir}/index.html\n`);
      } else process.stdout.write(`${dir}/index.html\n`);
      process.exitCode = 0;
    });
}
