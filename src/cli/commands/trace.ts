import type { Command } from "commander";
import { CliError, EXIT_USAGE } from "../errors.js";
import { printProblems } from "../output.js";
import { resolveScenarioArg } from "../paths.js";
import { collect, parseSeed } from "./options.js";

interface TraceOpts {
  readonly first?: string;
  readonly message?: string;
  readonly flow?: string;
  readonly seed?: number;
  readonly set: string[];
  /** false with --no-fold: print every repeated step. */
  readonly fold: boolean;
}

/** Simulated time advanced between checks whether the traced messages are done (1 s). */
const SLICE_NS = 1_000_000_000;

export function traceCommand(program: Command): void {
  program
    .command("trace")
    .description(
      "narrate, step by step, what happens to a message or an RPC flow (publish, routing, queue, delivery, ack, reply)",
    )
    .argument("<file>", "scenario file, or the name of a bundled scenario")
    .option("--first <n>", "the first N messages published")
    .option("--message <id>", "the message with this id (#id in the narration)")
    .option("--flow <name#k>", "the k-th flow of an RPC workload, e.g. boot#1 (default for rpc: scenarios)")
    .option("--seed <n>", "override the scenario's seed", parseSeed)
    .option("--set <path=value>", "override a scenario value (repeatable)", collect, [])
    .option("--no-fold", "print every step (by default a step repeated for many queues or hosts is folded)")
    .addHelpText(
      "after",
      "\nExamples:\n  amqpsim trace scenarios/openstack/nova-vm-boot.yaml --flow boot#1\n" +
        "  amqpsim trace scenarios/topic-routing.yaml --first 3",
    )
    .action(async (file: string, opts: TraceOpts) => {
      process.exitCode = await trace(file, opts);
    });
}

function positive(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`${what} must be a whole number >= 1, got '${text}'`);
  return n;
}

async function trace(file: string, opts: TraceOpts): Promise<number> {
  const given = [opts.first, opts.message, opts.flow].filter((x) => x !== undefined).length;
  if (given > 1) throw new CliError("give one of --first, --message or --flow");
  const scenario = await import("../../scenario/index.js");
  const { rpcSystemOf } = await import("../../scenario/rpc-extension.js");
  const { FlowWatch, Narrator, foldRepeats, formatTrace } = await import("../../rpc/trace/index.js");
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
  const world = scenario.buildWorld(loaded, opts.seed === undefined ? {} : { seed: opts.seed });
  const system = rpcSystemOf(world);
  let flowSpec = opts.flow;
  if (flowSpec === undefined && opts.first === undefined && opts.message === undefined) {
    const w = loaded.rpc?.workload[0];
    flowSpec = w === undefined ? undefined : `${w.name}#1`;
  }
  let done: () => boolean;
  let lines: () => import("../../rpc/trace/index.js").TraceLine[];
  let title: string;
  if (flowSpec !== undefined) {
    const m = /^(.+)#(\d+)$/.exec(flowSpec);
    if (m === null) throw new CliError(`--flow expects NAME#K such as boot#1, got '${flowSpec}'`);
    if (system === undefined)
      throw new CliError(`${file} has no rpc: section, so it has no flows; use --first or --message`);
    const names = system.spec.workload.map((w) => w.name);
    if (!names.includes(m[1]!)) {
      throw new CliError(`no workload named '${m[1]}' (workloads: ${names.join(", ") || "none"})`);
    }
    const watch = new FlowWatch(world.broker, system, m[1]!, positive(m[2]!, "K in NAME#K"));
    done = () => watch.done;
    lines = () => watch.lines();
    title = `flow ${flowSpec}`;
  } else {
    const id = opts.message !== undefined ? positive(opts.message, "--message") : 0;
    const n = opts.first !== undefined ? positive(opts.first, "--first") : id === 0 ? 1 : 0;
    const narrator = new Narrator(world.broker, (msgId) => (id > 0 ? msgId === id : msgId <= n));
    const ended = new Set<number>();
    world.broker.signals.fate.subscribe((f) => {
      if (narrator.selected.has(f.msgId) && f.fate !== "dead-lettered") ended.add(f.msgId);
    });
    const want = id > 0 ? 1 : n;
    done = () => ended.size >= want;
    lines = () => narrator.lines;
    title = id > 0 ? `message #${id}` : `the first ${n} message${n === 1 ? "" : "s"}`;
  }
  let setupError: string | undefined;
  world.start((message) => {
    setupError = message;
    world.sim.stop(message);
  });
  while (world.sim.now < world.end && !done()) {
    const out = world.sim.run({ until: Math.min(world.end, world.sim.now + SLICE_NS) });
    if (out.reason === "stopped") break;
  }
  if (setupError !== undefined) throw new CliError(setupError, 1);
  const text = formatTrace(opts.fold ? foldRepeats(lines()) : lines());
  process.stdout.write(`amqpsim trace: ${title} in ${loaded.name} (seed ${world.seed})\n`);
  process.stdout.write(text.length > 0 ? `${text}\n` : "nothing happened to it before the run ended\n");
  if (!done()) process.stdout.write(`(still in progress when the run ended at ${world.end / 1e9} s)\n`);
  return 0;
}
