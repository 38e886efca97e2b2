import type { Command } from "commander";
import { EXIT_USAGE } from "../errors.js";
import { printProblems } from "../output.js";
import { resolveScenarioArg } from "../paths.js";
import { collect } from "./options.js";

export function validateCommand(program: Command): void {
  program
    .command("validate")
    .description("check scenario files and list every problem as file:line:col: path: message")
    .argument("<files...>", "scenario files (or bundled scenario names)")
    .option("--set <path=value>", "apply an override before validating (repeatable)", collect, [])
    .option("--quiet", "print nothing for valid files")
    .addHelpText("after", "\nExit codes: 0 all valid; 2 at least one file has problems.")
    .action(async (files: string[], opts: { set: string[]; quiet?: boolean }) => {
      const { loadScenarioFile, ScenarioError } = await import("../../scenario/index.js");
      let bad = 0;
      for (const file of files) {
        try {
          const s = loadScenarioFile(resolveScenarioArg(file), { sets: opts.set });
          if (!opts.quiet) process.stdout.write(`${file}: ok (${s.name})\n`);
        } catch (e) {
          if (!(e instanceof ScenarioError)) throw e;
          bad++;
          printProblems(e.problems);
        }
      }
      process.exitCode = bad > 0 ? EXIT_USAGE : 0;
    });
}
