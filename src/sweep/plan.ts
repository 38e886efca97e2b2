import { parseSlo, SloError } from "../metrics/slo.js";
import { type Scenario, ScenarioError } from "../scenario/index.js";
import { textDigest } from "./digest.js";
import { buildGrid, MAX_GRID_POINTS } from "./grid.js";
import type { SweepSpec } from "./result.js";
import type { Seeding } from "./seeds.js";
import { parseVary, type VaryDimension, VaryError } from "./vary.js";

/** What a user asked for on the command line (or a caller in code). */
export interface SweepRequest {
  /** Scenario file path (workers open it themselves). */
  readonly file: string;
  /** The file's text, for the digest that ties shards to the same scenario. */
  readonly text: string;
  /** `--vary` texts. */
  readonly vary: readonly string[];
  /** `--set` overrides applied at every point. */
  readonly sets: readonly string[];
  readonly replications: number;
  readonly seeding: Seeding;
  /** Overrides the scenario's seed. */
  readonly seed?: number;
  /** Overrides the scenario's `slo:`. */
  readonly slo?: string;
  /** Overrides the scenario's `warmup:` ("mser5", "none" or a duration). */
  readonly warmup?: string;
  readonly analysis?: Partial<SweepSpec["analysis"]>;
}

/** Every problem with a sweep request, each line saying what was expected. */
export class SweepInputError extends Error {
  override readonly name = "SweepInputError";
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
  }
}

/**
 * Summary paths the knee and saturation analysis read by default: the steady-state p99 (after
 * the warm-up) and whole-run enqueued / consumed rates, both counted in copies, so a fanout to
 * two queues offers twice its publish rate and saturation compares like with like.
 */
export const DEFAULT_ANALYSIS: SweepSpec["analysis"] = {
  latency: "steady.latency.p99",
  offered: "throughput.enqueued",
  throughput: "throughput.consumed",
};

/** Points whose problems are listed before the rest are summarised as a count. */
const MAX_REPORTED_POINTS = 3;

/**
 * Checks a sweep request and turns it into the spec every shard must agree on: parses --vary
 * and --slo, then loads the scenario at EVERY grid point (cheap next to running it) so that an
 * unknown path or a value of the wrong unit is reported before any run starts.
 * `load(sets)` loads the scenario file with overrides (throws ScenarioError).
 */
export function planSweep(req: SweepRequest, load: (sets: readonly string[]) => Scenario): SweepSpec {
  const problems: string[] = [];
  const dims: VaryDimension[] = [];
  for (const text of req.vary) {
    try {
      dims.push(parseVary(text));
    } catch (e) {
      if (!(e instanceof VaryError)) throw e;
      problems.push(e.message);
    }
  }
  const paths = new Set<string>();
  for (const d of dims) {
    if (paths.has(d.path))
      problems.push(`--vary ${d.path} is given twice: give all its values in one --vary`);
    paths.add(d.path);
  }
  if (!(Number.isInteger(req.replications) && req.replications >= 1)) {
    problems.push(`--replications must be a whole number >= 1, got ${req.replications}`);
  }
  if (req.slo !== undefined) {
    try {
      parseSlo(req.slo);
    } catch (e) {
      if (!(e instanceof SloError)) throw e;
      problems.push(e.message);
    }
  }
  const sets = [...req.sets, ...(req.warmup === undefined ? [] : [`warmup=${req.warmup}`])];
  let base: Scenario | undefined;
  try {
    base = load(sets);
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    problems.push(e.message);
  }
  if (problems.length > 0 || base === undefined) throw new SweepInputError(problems);
  const total = dims.reduce((n, d) => n * d.values.length, 1);
  if (total > MAX_GRID_POINTS) {
    throw new SweepInputError([`the grid has ${total} points, more than the limit of ${MAX_GRID_POINTS}`]);
  }
  const failing: string[] = [];
  let failed = 0;
  for (const point of buildGrid(dims)) {
    try {
      load([...sets, ...point.sets]);
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
      failed++;
      if (failing.length < MAX_REPORTED_POINTS)
        failing.push(`at point ${point.index} (${point.sets.join(" ")}):\n${e.message}`);
    }
  }
  if (failed > 0) {
    // an unknown path fails every point alike: show it once
    if (failed === total && total > 1) {
      throw new SweepInputError([failing[0]!, `(every one of the ${total} points has problems)`]);
    }
    if (failed > failing.length)
      failing.push(`... and ${failed - failing.length} more point(s) with problems`);
    throw new SweepInputError(failing);
  }
  return {
    scenario: { name: base.name, sha256: textDigest(req.text) },
    seed: req.seed ?? base.seed,
    seeding: req.seeding,
    replications: req.replications,
    confidence: 0.95,
    sets,
    vary: dims.map((d) => ({ path: d.path, kind: d.kind, values: d.values, numeric: d.numeric })),
    slo: req.slo ?? base.slo?.text ?? null,
    analysis: { ...DEFAULT_ANALYSIS, ...req.analysis },
  };
}
