import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { EXIT_USAGE } from "../errors.js";
import { printProblems } from "../output.js";
import { resolveScenarioArg } from "../paths.js";
import { collect } from "./options.js";

export function validateCommand(program: Command): void {
  program
    .command("validate")
    .description("check scenario files and list every problem as file:line:col: path: message")
    .argument(
      "<files...>",
      "scenario files, folders of them (searched recursively), or bundled scenario names",
    )
    .option("--set <path=value>", "apply an override before validating (repeatable)", collect, [])
    .option("--quiet", "print nothing for valid files")
    .addHelpText("after", "\nExit codes: 0 all valid; 2 at least one file has problems.")
    .action(async (files: string[], opts: { set: string[]; quiet?: boolean }) => {
      const { loadScenarioFile, ScenarioError } = await import("../../scenario/index.js");
      let bad = 0;
      for (const file of files.flatMap(expand)) {
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

/** A folder stands for every .yaml / .yml file under it, in sorted order. */
function expand(arg: string): string[] {
  let isDir = false;
  try {
    isDir = statSync(arg).isDirectory();
  } catch {
    return [arg];
  }
  if (!isDir) return [arg];
  return readdirSync(arg)
    .sort()
    .flatMap((name) => {
      const p = join(arg, name);
      return statSync(p).isDirectory() ? expand(p) : /\.ya?ml$/.test(name) ? [p] : [];
    });
}
