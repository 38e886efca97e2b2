import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { parse } from "yaml";
import { bundledScenarios, packageRoot } from "../paths.js";

export function listCommand(program: Command): void {
  program
    .command("list")
    .description("list the bundled scenarios with a one-line description")
    .action(() => {
      const root = packageRoot();
      const rows: [string, string][] = [];
      for (const rel of bundledScenarios()) {
        let description = "";
        try {
          const doc = parse(readFileSync(join(root, rel), "utf8")) as { description?: unknown } | null;
          if (typeof doc?.description === "string") description = doc.description.split("\n")[0]!;
        } catch {
          description = "(unreadable)";
        }
        rows.push([rel.replace(/^scenarios\//, "").replace(/\.ya?ml$/, ""), description]);
      }
      const width = Math.max(0, ...rows.map(([n]) => n.length));
      for (const [n, d] of rows) process.stdout.write(`${n.padEnd(width)}  ${d}\n`);
      process.stdout.write(`\nrun one with: amqpsim run <name>   (files in ${join(root, "scenarios")})\n`);
    });
}
