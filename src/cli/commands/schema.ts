import type { Command } from "commander";

export function schemaCommand(program: Command): void {
  program
    .command("schema")
    .description("print the scenario file format as JSON Schema (what schema/scenario.schema.json holds)")
    .addHelpText(
      "after",
      "\nEditors with yaml-language-server check and complete scenario files given this first line:\n" +
        "  # yaml-language-server: $schema=../schema/scenario.schema.json",
    )
    .action(async () => {
      const { scenarioJsonSchemaText } = await import("../../scenario/json-schema.js");
      process.stdout.write(scenarioJsonSchemaText());
    });
}
