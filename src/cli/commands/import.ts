import { readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import type { Command } from "commander";
import { CliError, EXIT_FAILED } from "../errors.js";
import { printProblems } from "../output.js";

export function importCommand(program: Command): void {
  program
    .command("import")
    .description("turn a RabbitMQ definitions export (JSON) into a scenario with a placeholder workload")
    .argument("<definitions>", "definitions.json from `rabbitmqctl export_definitions` or the management UI")
    .option("--name <name>", "scenario name (default: the file name)")
    .option("-o, --output <file>", "write the scenario here instead of stdout")
    .action(async (file: string, opts: { name?: string; output?: string }) => {
      let defs: unknown;
      try {
        defs = JSON.parse(readFileSync(file, "utf8"));
      } catch (e) {
        throw new CliError(`cannot read ${file}: ${(e as Error).message}`);
      }
      if (defs === null || typeof defs !== "object" || Array.isArray(defs)) {
        throw new CliError(`${file} is not a RabbitMQ definitions export (expected a JSON object)`);
      }
      const { definitionsToScenarioYaml } = await import("../../scenario/definitions.js");
      const { parseScenarioText, ScenarioError } = await import("../../scenario/index.js");
      const name = opts.name ?? basename(file).replace(/\.json$/, "");
      const yaml = definitionsToScenarioYaml(defs as Parameters<typeof definitionsToScenarioYaml>[0], name);
      try {
        parseScenarioText(yaml, opts.output ?? "<imported>");
      } catch (e) {
        if (!(e instanceof ScenarioError)) throw e;
        process.stderr.write("amqpsim: the imported scenario does not validate (please report this):\n");
        printProblems(e.problems);
        process.exitCode = EXIT_FAILED;
      }
      if (opts.output) {
        writeFileSync(opts.output, yaml);
        process.stderr.write(`wrote ${opts.output}\n`);
      } else {
        process.stdout.write(yaml);
      }
    });
}
