import { parseDuration, parseRate, parseSize, scanQuantity, UnitError } from "../engine/units.js";

/**
 * Service-level objectives over a run's summary: `latency.p99<30s and throughput.consumed>=900/s`.
 *
 * Grammar:  expr := clause ("and" clause)*      clause := PATH OP QUANTITY
 *           OP := "<" | "<=" | ">" | ">=" | "=="
 * PATH is a dotted path to a NUMERIC leaf of RunResult.summary (`latency.p99`,
 * `queues.work.depth.max`). QUANTITY is converted to result.json units: durations to seconds,
 * rates to per second, sizes to bytes; a plain number is compared as is (`fates.lost==0`).
 */
export type SloOp = "<" | "<=" | ">" | ">=" | "==";

export interface SloClause {
  /** The clause as written (trimmed). */
  readonly text: string;
  readonly path: string;
  readonly op: SloOp;
  /** Threshold in result.json units. */
  readonly threshold: number;
  /** The threshold as written, for messages ("30s"). */
  readonly thresholdText: string;
  /** The threshold's unit as written ("ms", "/s", "KiB", "" for a plain number), for messages. */
  readonly unit: string;
  /** Result units per one written unit (0.001 for "ms"): actual / unitScale reads in `unit`. */
  readonly unitScale: number;
}

export interface Slo {
  readonly text: string;
  readonly clauses: readonly SloClause[];
}

/** A bad SLO text. `offset` is the 0-based index into `text` of the offending part. */
export class SloError extends Error {
  override readonly name = "SloError";
  constructor(
    readonly text: string,
    readonly offset: number,
    readonly problem: string,
    readonly expected: string,
  ) {
    super(`bad SLO "${text}": ${problem} at column ${offset + 1}; expected ${expected}`);
  }
}

const CLAUSE =
  'PATH OP VALUE, e.g. "latency.p99<30s" or "throughput.consumed>=900/s" (OP one of <, <=, >, >=, ==)';
const VALUE = "a duration (30s), a rate (900/s), a size (2KiB) or a plain number";

/** Parse an SLO expression (clauses joined by "and"). */
export function parseSlo(text: string): Slo {
  const clauses: SloClause[] = [];
  const re = /\s+and\s+/gi;
  let start = 0;
  const pieces: { text: string; offset: number }[] = [];
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    pieces.push({ text: text.slice(start, m.index), offset: start });
    start = m.index + m[0].length;
  }
  pieces.push({ text: text.slice(start), offset: start });
  for (const p of pieces) clauses.push(parseClause(text, p.text, p.offset));
  return { text: text.trim(), clauses };
}

/** Several SLO texts (a scenario's `slo:` list) as one SLO whose clauses must all hold. */
export function combineSlos(slos: readonly Slo[]): Slo {
  return { text: slos.map((s) => s.text).join(" and "), clauses: slos.flatMap((s) => s.clauses) };
}

function parseClause(whole: string, piece: string, offset: number): SloClause {
  const lead = piece.length - piece.trimStart().length;
  const trimmed = piece.trim();
  const at = offset + lead;
  if (trimmed === "") throw new SloError(whole, at, "empty clause", CLAUSE);
  const m = /^([A-Za-z_][\w.\-[\]]*)\s*(<=|>=|==|<|>)\s*(.*)$/.exec(trimmed);
  if (m === null) {
    const opAt = trimmed.search(/[<>=!]/);
    if (opAt <= 0) {
      const where = opAt === 0 ? at : at + trimmed.length;
      throw new SloError(whole, where, opAt === 0 ? "missing path" : "missing comparison", CLAUSE);
    }
    throw new SloError(whole, at + opAt, `bad comparison "${trimmed.slice(opAt, opAt + 2)}"`, CLAUSE);
  }
  const path = m[1]!;
  const op = m[2] as SloOp;
  const valueText = m[3]!.trim();
  const valueAt = at + trimmed.length - m[3]!.length + (m[3]!.length - m[3]!.trimStart().length);
  if (valueText === "") throw new SloError(whole, valueAt, "missing value", VALUE);
  const threshold = thresholdValue(whole, valueText, valueAt);
  const unit = scanQuantity(valueText, 0)!.unit;
  const unitScale = unit === "" ? 1 : thresholdValue(whole, `1${unit}`, valueAt);
  return { text: trimmed, path, op, threshold, thresholdText: valueText, unit, unitScale };
}

function thresholdValue(whole: string, text: string, at: number): number {
  const q = scanQuantity(text, 0);
  if (q === undefined || q.end !== text.length) {
    const bad = q === undefined ? 0 : q.end;
    throw new SloError(whole, at + bad, `"${text.slice(bad)}" is not a value`, VALUE);
  }
  if (q.unit === "") return q.value;
  for (const parse of [parseDuration, parseRate, parseSize]) {
    try {
      const v = parse(text);
      // durations parse to ns; summaries hold seconds
      return parse === parseDuration ? v / 1e9 : v;
    } catch (e) {
      if (!(e instanceof UnitError)) throw e;
    }
  }
  throw new SloError(whole, at + q.unitStart, `unknown unit "${q.unit}"`, VALUE);
}

/** The numeric leaf at a dotted path of a nested summary, or undefined if absent / not a number. */
export function leafAt(summary: unknown, path: string): number | undefined {
  let node: unknown = summary;
  for (const key of path.split(".")) {
    if (node === null || typeof node !== "object" || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return typeof node === "number" ? node : undefined;
}

export function compare(actual: number, op: SloOp, threshold: number): boolean {
  switch (op) {
    case "<":
      return actual < threshold;
    case "<=":
      return actual <= threshold;
    case ">":
      return actual > threshold;
    case ">=":
      return actual >= threshold;
    case "==":
      return actual === threshold;
  }
}

export interface SloClauseOutcome {
  readonly clause: string;
  readonly path: string;
  readonly op: SloOp;
  readonly threshold: number;
  /** The threshold's unit as written and its scale (see SloClause). */
  readonly unit: string;
  readonly unitScale: number;
  /** The summary's value; null when the path is not a numeric leaf (the clause then fails). */
  readonly actual: number | null;
  readonly pass: boolean;
}

export interface SloOutcome {
  readonly slo: string;
  readonly pass: boolean;
  readonly clauses: readonly SloClauseOutcome[];
}

/**
 * Check an SLO against one run's summary. A path that is not a numeric leaf of the summary fails
 * its clause (a typo must not pass silently); `actual` is then null.
 */
export function checkSlo(slo: Slo, summary: unknown): SloOutcome {
  return checkSloWith(slo, (path) => leafAt(summary, path));
}

/** Check an SLO with a lookup of each clause's value (sweeps pass a mean or a confidence bound). */
export function checkSloWith(
  slo: Slo,
  lookup: (path: string, clause: SloClause) => number | undefined,
): SloOutcome {
  const clauses = slo.clauses.map((c): SloClauseOutcome => {
    const v = lookup(c.path, c);
    const actual = v === undefined || Number.isNaN(v) ? null : v;
    return {
      clause: c.text,
      path: c.path,
      op: c.op,
      threshold: c.threshold,
      unit: c.unit,
      unitScale: c.unitScale,
      actual,
      pass: actual !== null && compare(actual, c.op, c.threshold),
    };
  });
  return { slo: slo.text, pass: clauses.every((c) => c.pass), clauses };
}

/** One line for a terminal summary: "SLO met: latency.p99<30s (0.84 s)" / "SLO MISSED: ...". */
export function formatSloOutcome(outcome: SloOutcome): string {
  const parts = outcome.clauses.map((c) => {
    const actual =
      c.actual === null ? "no such numeric summary value" : `actual ${fmt(c.actual / c.unitScale)}${c.unit}`;
    return `${c.clause} (${actual}${c.pass ? "" : ", FAILED"})`;
  });
  return `${outcome.pass ? "SLO met" : "SLO MISSED"}: ${parts.join("; ")}`;
}

function fmt(x: number): string {
  return String(Number(x.toPrecision(4)));
}
