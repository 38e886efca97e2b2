import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { CliError } from "../errors.js";
import { writeRunReport } from "../write-report.js";

export function reportCommand(program: Command): void {
  program
    .command("report")
    .description("re-render a report from a result.json without re-running the simulation")
    .argument("<result>", "a result.json written by `amqpsim run`")
    .option("--out <dir>", "directory the report folder is written into", "reports")
    .action(async (file: string, opts: { out: string }) => {
      let result: import("../../metrics/result.js").RunResult;
      try {
        result = JSON.parse(readFileSync(file, "utf8"));
      } catch (e) {
        throw new CliError(`cannot read ${file}: ${(e as Error).message}`);
      }
      if ((result as { format?: unknown }).format !== "amqpsim-result") {
        throw new CliError(`${file} is not an amqpsim result (no "format": "amqpsim-result")`);
      }
      const dir = await writeRunReport(opts.out, result);
      process.stdout.write(`report: ${dir}/index.html\n`);
    });
}
