#!/usr/bin/env -S node --max-semi-space-size=32
// A 32 MiB young generation: a simulation allocates many short-lived event records, and V8's
// default (16 MiB) spends ~10-30 % of a run in scavenges (bench/amqp.ts: 0.79 -> 1.09 M msg/s).
import { Command, CommanderError } from "commander";
import { AMQPSIM_VERSION as VERSION } from "../scenario/version.js";
import { importCommand } from "./commands/import.js";
import { listCommand } from "./commands/list.js";
import { mergeCommand } from "./commands/merge.js";
import { reportCommand } from "./commands/report.js";
import { runCommand } from "./commands/run.js";
import { saturateCommand } from "./commands/saturate.js";
import { schemaCommand } from "./commands/schema.js";
import { sweepCommand } from "./commands/sweep.js";
import { traceCommand } from "./commands/trace.js";
import { validateCommand } from "./commands/validate.js";
import { CliError, EXIT_FAILED, EXIT_USAGE } from "./errors.js";

/**
 * Every command, one file each in ./commands. A command module exports a function that adds
 * itself to the program; add a command by adding its file and one line here.
 */
const COMMANDS: readonly ((program: Command) => void)[] = [
  runCommand,
  validateCommand,
  listCommand,
  schemaCommand,
  reportCommand,
  importCommand,
  sweepCommand,
  mergeCommand,
  saturateCommand,
  traceCommand,
];

export function buildProgram(): Command {
  const program = new Command("amqpsim")
    .description("Deterministic discrete-event simulator of AMQP 0-9-1 (RabbitMQ) topologies")
    .version(VERSION)
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  for (const add of COMMANDS) add(program);
  for (const c of program.commands) c.exitOverride();
  return program;
}

/** Runs the CLI; resolves to the exit code (never throws for a user's mistake). */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version exit 0; every other commander error is a usage error
      return e.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (e instanceof CliError) {
      process.stderr.write(`amqpsim: ${e.message}\n`);
      return e.code;
    }
    process.stderr.write(
      `amqpsim: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    return EXIT_FAILED;
  }
}

// `amqpsim run x | head`: a closed pipe ends the program quietly instead of with a stack trace
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw e;
});

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
