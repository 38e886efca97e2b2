import { parseDuration, parseRate, parseSize, scanQuantity, UnitError } from "../engine/units.js";

/**
 * What a varied value measures. Numeric x values in sweep.json and charts use the result.json
 * units: durations in SECONDS, rates per second, sizes in bytes, plain numbers as written.
 * "text" values (e.g. queue types) are categorical.
 */
export type QuantityKind = "duration" | "rate" | "size" | "number" | "text";

/** One `--vary` dimension: a scenario path and the values it takes, as --set texts. */
export interface VaryDimension {
  readonly path: string;
  /** Value texts in order, each usable as `--set path=value`. */
  readonly values: readonly string[];
  readonly kind: QuantityKind;
  /** Numeric value of each text in result.json units; null when kind is "text". */
  readonly numeric: readonly number[] | null;
}

/**
 * A --vary text that could not be parsed. `offset` is the 0-based index into `text` of the
 * offending part; the message says what was expected.
 */
export class VaryError extends Error {
  override readonly name = "VaryError";
  constructor(
    readonly text: string,
    readonly offset: number,
    readonly problem: string,
    readonly expected: string,
  ) {
    super(`bad --vary "${text}": ${problem} at column ${offset + 1}; expected ${expected}`);
  }
}

/** Most values one range may expand to (a guard against a mistyped step). */
export const MAX_RANGE_VALUES = 10_000;

const SYNTAX =
  "PATH=V1,V2,... or PATH=FROM..TO:STEP (e.g. consumers.worker.count=1..8:1, rate=100/s..500/s:100/s)";

interface Quantity {
  readonly kind: Exclude<QuantityKind, "text">;
  /** Value in the parser's base unit: ns, per second, bytes, or the number itself. */
  readonly base: number;
  /** The unit letters as written, "" for a plain number. */
  readonly unit: string;
  /** Base units per one written unit (1e6 for "ms"). */
  readonly scale: number;
}

const PARSERS: readonly [Exclude<QuantityKind, "text" | "number">, (t: string) => number][] = [
  ["duration", parseDuration],
  ["rate", parseRate],
  ["size", parseSize],
];

const EXPECTED_QUANTITY = "a number, a duration (10ms), a rate (200/s) or a size (2KiB)";

/**
 * Parse `text` as one quantity, or return undefined if it is not a number-with-unit at all.
 * Throws UnitError (offset into `text`) when it is a number with a unit no parser knows.
 */
function quantity(text: string): Quantity | undefined {
  const q = scanQuantity(text, 0);
  if (q === undefined || q.end !== text.length) return undefined;
  if (q.unit === "") return { kind: "number", base: q.value, unit: "", scale: 1 };
  for (const [kind, parse] of PARSERS) {
    let base: number;
    try {
      base = parse(text);
    } catch {
      continue;
    }
    // the scale of the unit alone: exact for every unit in the engine's tables
    return { kind, base, unit: q.unit, scale: parse(`1${q.unit}`) };
  }
  throw new UnitError("value", text, q.unitStart, `unknown unit "${q.unit}"`, EXPECTED_QUANTITY);
}

/** Split on commas outside parentheses, so `uniform(1ms, 3ms),exp(2ms)` gives two values. */
function splitTopLevel(text: string, from: number): { value: string; offset: number }[] {
  const out: { value: string; offset: number }[] = [];
  let depth = 0;
  let start = from;
  for (let i = from; i <= text.length; i++) {
    const ch = text[i];
    if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if ((ch === "," && depth === 0) || i === text.length) {
      out.push({ value: text.slice(start, i).trim(), offset: start });
      start = i + 1;
    }
  }
  return out;
}

/** Numeric value in result.json units (durations in seconds). */
function reportValue(q: Quantity): number {
  return q.kind === "duration" ? q.base / 1e9 : q.base;
}

/** `x` without float noise (0.30000000000000004 -> 0.3): 12 significant digits, no exponent. */
function cleanNumber(x: number): string {
  const v = Number(x.toPrecision(12));
  const s = String(v);
  return s.includes("e") ? v.toFixed(12).replace(/\.?0+$/, "") : s;
}

/** Parse one `--vary` argument. */
export function parseVary(text: string): VaryDimension {
  const eq = text.indexOf("=");
  if (eq < 0) throw new VaryError(text, text.length, 'no "="', SYNTAX);
  const path = text.slice(0, eq).trim();
  if (path === "") throw new VaryError(text, 0, "empty path", SYNTAX);
  const ws = path.search(/\s/);
  if (ws >= 0) throw new VaryError(text, ws, "space in the path", SYNTAX);
  const rhs = text.slice(eq + 1);
  const dots = rhs.indexOf("..");
  const hasParens = rhs.includes("(");
  if (dots >= 0 && !hasParens) return parseRange(text, path, eq + 1);
  return parseList(text, path, eq + 1);
}

function parseList(text: string, path: string, from: number): VaryDimension {
  const parts = splitTopLevel(text, from);
  const values: string[] = [];
  for (const p of parts) {
    if (p.value === "") throw new VaryError(text, p.offset, "empty value", SYNTAX);
    values.push(p.value);
  }
  if (new Set(values).size !== values.length) {
    const dup = values.find((v, i) => values.indexOf(v) !== i)!;
    throw new VaryError(text, text.lastIndexOf(dup), `value "${dup}" is listed twice`, "distinct values");
  }
  // numeric when every value is a quantity of one kind; otherwise categorical text
  const qs: (Quantity | undefined)[] = [];
  for (const p of parts) {
    try {
      qs.push(quantity(p.value));
    } catch {
      qs.push(undefined);
    }
  }
  const first = qs[0];
  if (first !== undefined && qs.every((q) => q !== undefined && q.kind === first.kind)) {
    return { path, values, kind: first.kind, numeric: qs.map((q) => reportValue(q!)) };
  }
  return { path, values, kind: "text", numeric: null };
}

function parseRange(text: string, path: string, from: number): VaryDimension {
  const rhs = text.slice(from);
  const dots = rhs.indexOf("..");
  const colon = rhs.indexOf(":", dots + 2);
  if (colon < 0) throw new VaryError(text, text.length, 'a range without ":STEP"', SYNTAX);
  const pieces = [
    { name: "FROM", text: rhs.slice(0, dots), offset: from },
    { name: "TO", text: rhs.slice(dots + 2, colon), offset: from + dots + 2 },
    { name: "STEP", text: rhs.slice(colon + 1), offset: from + colon + 1 },
  ];
  const qs = pieces.map((p) => {
    const t = p.text.trim();
    const lead = p.text.length - p.text.trimStart().length;
    if (t === "") throw new VaryError(text, p.offset, `empty ${p.name}`, EXPECTED_QUANTITY);
    let q: Quantity | undefined;
    try {
      q = quantity(t);
    } catch (e) {
      if (e instanceof UnitError)
        throw new VaryError(text, p.offset + lead + e.offset, e.problem, e.expected);
      throw e;
    }
    if (q === undefined) {
      throw new VaryError(text, p.offset + lead, `${p.name} "${t}" is not a quantity`, EXPECTED_QUANTITY);
    }
    return { q, offset: p.offset + lead };
  });
  const [a, b, step] = qs as [(typeof qs)[0], (typeof qs)[0], (typeof qs)[0]];
  for (const other of [b, step]) {
    if (other.q.kind !== a.q.kind) {
      throw new VaryError(
        text,
        other.offset,
        `a ${other.q.kind} in a range that starts with a ${a.q.kind}`,
        `the same kind of quantity for FROM, TO and STEP (a ${a.q.kind}${a.q.unit ? `, e.g. 1${a.q.unit}` : ""})`,
      );
    }
  }
  if (!(step.q.base > 0)) throw new VaryError(text, step.offset, "STEP is not positive", "a STEP > 0");
  if (b.q.base < a.q.base) throw new VaryError(text, b.offset, "TO is below FROM", "TO >= FROM");
  // TO is included when it lies on the grid (up to float noise: 0.1..0.3:0.1 has three values)
  const count = Math.floor((b.q.base - a.q.base) / step.q.base + 1e-9) + 1;
  if (count > MAX_RANGE_VALUES) {
    throw new VaryError(
      text,
      step.offset,
      `${count} values`,
      `at most ${MAX_RANGE_VALUES} values (a larger STEP)`,
    );
  }
  // values are written in the finest unit among FROM, TO and STEP, so 1s..2s:500ms gives 1000ms, 1500ms, 2000ms
  const finest = [a.q, b.q, step.q].reduce((x, y) => (y.scale < x.scale ? y : x));
  const values: string[] = [];
  const numeric: number[] = [];
  for (let i = 0; i < count; i++) {
    const base = a.q.base + i * step.q.base;
    const written = `${cleanNumber(base / finest.scale)}${finest.unit}`;
    values.push(written);
    numeric.push(reportValue(quantity(written)!));
  }
  return { path, values, kind: a.q.kind, numeric };
}
