import { MAX_TIME, type Nanoseconds } from "./time.js";

/**
 * A unit-bearing text that could not be parsed. `offset` is the 0-based index of the offending
 * token in `text` (the message shows it as a 1-based column); `expected` says what would be valid.
 * Scenario loading turns these into file:line:col errors by adding the offset to the value's
 * position in the file.
 */
export class UnitError extends Error {
  override readonly name = "UnitError";
  constructor(
    /** What was being parsed: "duration", "rate", "size", "distribution", ... */
    readonly what: string,
    /** The whole text that was being parsed. */
    readonly text: string,
    /** 0-based index into `text` of the offending token. */
    readonly offset: number,
    /** What is wrong, e.g. `unknown unit "parsecs"`. */
    readonly problem: string,
    /** What would have been accepted, e.g. "one of ns, us, ms, s, m, h". */
    readonly expected: string,
  ) {
    super(`bad ${what} "${text}": ${problem} at column ${offset + 1}; expected ${expected}`);
  }
}

/** A number followed by an optional unit, as scanned from text. Offsets index the scanned text. */
export interface ScannedQuantity {
  readonly value: number;
  /** Text of the number as written (for messages). */
  readonly numberText: string;
  /** The unit letters, "" if none. */
  readonly unit: string;
  readonly start: number;
  readonly unitStart: number;
  readonly end: number;
}

const DIGIT = /[0-9]/;

/**
 * Scan `[+-]digits[.digits][e[+-]digits] [spaces] [unit]` starting at `pos`. Unit letters are
 * ASCII letters, µ (U+00B5), μ (U+03BC) and, after a "/", a rate's time unit ("/s", "/min").
 * Returns undefined if no number starts at pos.
 */
export function scanQuantity(text: string, pos: number): ScannedQuantity | undefined {
  const start = pos;
  let i = pos;
  if (text[i] === "+" || text[i] === "-") i++;
  const digitsStart = i;
  while (i < text.length && DIGIT.test(text[i]!)) i++;
  if (text[i] === ".") {
    i++;
    while (i < text.length && DIGIT.test(text[i]!)) i++;
  }
  const mantissa = text.slice(digitsStart, i);
  if (mantissa === "" || mantissa === ".") return undefined;
  // exponent only if followed by digits, so "5e" is not eaten (no unit starts with e anyway)
  if ((text[i] === "e" || text[i] === "E") && /^[eE][+-]?[0-9]/.test(text.slice(i, i + 3))) {
    i++;
    if (text[i] === "+" || text[i] === "-") i++;
    while (i < text.length && DIGIT.test(text[i]!)) i++;
  }
  const numberText = text.slice(start, i);
  const value = Number(numberText);
  let j = i;
  while (text[j] === " ") j++;
  const unitStart = j;
  let k = j;
  while (k < text.length && /[A-Za-zµμ/]/.test(text[k]!)) k++;
  if (k === unitStart) return { value, numberText, unit: "", start, unitStart: i, end: i };
  return { value, numberText, unit: text.slice(unitStart, k), start, unitStart, end: k };
}

interface UnitTable {
  readonly what: string;
  readonly factors: ReadonlyMap<string, number>;
  /** Shown in messages. */
  readonly expected: string;
}

const DURATION: UnitTable = {
  what: "duration",
  factors: new Map([
    ["ns", 1],
    ["us", 1e3],
    ["µs", 1e3],
    ["μs", 1e3],
    ["ms", 1e6],
    ["s", 1e9],
    ["m", 60e9],
    ["min", 60e9],
    ["h", 3600e9],
  ]),
  expected: "one of ns, us, ms, s, m, h",
};

const RATE: UnitTable = {
  what: "rate",
  factors: new Map([
    ["/s", 1],
    ["/sec", 1],
    ["/m", 1 / 60],
    ["/min", 1 / 60],
    ["/h", 1 / 3600],
  ]),
  expected: "one of /s, /min, /h",
};

const SIZE: UnitTable = {
  what: "size",
  factors: new Map([
    ["B", 1],
    ["KB", 1e3],
    ["kB", 1e3],
    ["KiB", 1024],
    ["MB", 1e6],
    ["MiB", 1024 ** 2],
    ["GB", 1e9],
    ["GiB", 1024 ** 3],
    ["TB", 1e12],
    ["TiB", 1024 ** 4],
  ]),
  expected: "one of B, KB, KiB, MB, MiB, GB, GiB",
};

/**
 * Parse one quantity that fills the whole (trimmed) text. Leading/trailing spaces are allowed;
 * offsets in errors index the original text.
 */
function parseWhole(text: string, table: UnitTable, what = table.what): number {
  let pos = 0;
  while (text[pos] === " ") pos++;
  const q = scanQuantity(text, pos);
  if (q === undefined) {
    throw new UnitError(
      what,
      text,
      pos,
      pos >= text.length ? "empty text" : `"${text.slice(pos)}" is not a number`,
      `a number followed by a unit (${table.expected})`,
    );
  }
  const value = quantityValue(q, text, table, what);
  let end = q.end;
  while (text[end] === " ") end++;
  if (end < text.length) {
    throw new UnitError(what, text, end, `unexpected "${text.slice(end)}"`, `end of ${what}`);
  }
  return value;
}

/** Apply the unit table to a scanned quantity; rejects missing/unknown units and negatives. */
function quantityValue(q: ScannedQuantity, text: string, table: UnitTable, what: string): number {
  if (q.unit === "") {
    throw new UnitError(
      what,
      text,
      q.end,
      `missing unit after "${q.numberText}"`,
      `${table.expected} (a bare number is never accepted: its unit would be a guess)`,
    );
  }
  const factor = table.factors.get(q.unit);
  if (factor === undefined) {
    throw new UnitError(what, text, q.unitStart, `unknown unit "${q.unit}"`, table.expected);
  }
  if (q.value < 0) throw new UnitError(what, text, q.start, "negative value", `a ${table.what} >= 0`);
  if (!Number.isFinite(q.value)) {
    throw new UnitError(what, text, q.start, `"${q.numberText}" is not finite`, `a finite ${table.what}`);
  }
  return q.value * factor;
}

// ---- durations ------------------------------------------------------------------------------

/** Parse "250us", "10ms", "1.5s", "2m", "1h" to integer nanoseconds (rounded to 1 ns). */
export function parseDuration(text: string): Nanoseconds {
  return toDurationNs(parseWhole(text, DURATION), text, 0);
}

/** A scanned duration quantity (inside a larger expression) to integer ns. */
export function durationOf(q: ScannedQuantity, text: string, what = "duration"): Nanoseconds {
  return toDurationNs(quantityValue(q, text, DURATION, what), text, q.start, what);
}

function toDurationNs(ns: number, text: string, offset: number, what = "duration"): Nanoseconds {
  const rounded = Math.round(ns);
  if (rounded > MAX_TIME) {
    throw new UnitError(what, text, offset, "too long", "a duration below 2^53 ns (about 104 days)");
  }
  return rounded;
}

const DURATION_FORMATS: readonly [string, number][] = [
  ["h", 3600e9],
  ["m", 60e9],
  ["s", 1e9],
  ["ms", 1e6],
  ["us", 1e3],
  ["ns", 1],
];

/**
 * The shortest text that parses back to exactly `ns` (rounded to whole ns): "250us", "1.5s",
 * "90s", "2m". Ties go to the larger unit. Negative values are formatted with a "-" (they do not
 * parse back: durations in files are never negative).
 */
export function formatDuration(ns: Nanoseconds): string {
  const n = Math.round(ns);
  if (n === 0) return "0s";
  if (n < 0) return `-${formatDuration(-n)}`;
  return shortest(n, DURATION_FORMATS, parseDuration);
}

/** Among units where value >= 1, the shortest exact representation; falls back to the smallest unit. */
function shortest(value: number, units: readonly [string, number][], back: (numberText: string) => number) {
  let best: string | undefined;
  for (const [unit, factor] of units) {
    const v = value / factor;
    if (v < 1 && unit !== units[units.length - 1]![0]) continue;
    const s = `${trimNumber(v)}${unit}`;
    if (!backMatches(s)) continue;
    if (best === undefined || s.length < best.length) best = s;
  }
  return best ?? `${value}${units[units.length - 1]![0]}`;

  function backMatches(s: string): boolean {
    try {
      return back(s) === value;
    } catch {
      return false; // e.g. float noise pushed the value past the largest representable time
    }
  }
}

/** A number as text without exponent notation for the magnitudes we format. */
function trimNumber(v: number): string {
  const s = String(v);
  if (!s.includes("e")) return s;
  return v.toFixed(12).replace(/\.?0+$/, "");
}

// ---- rates ----------------------------------------------------------------------------------

/** Parse "200/s", "3/min", "10/h", "2.5/s" to events per second. */
export function parseRate(text: string): number {
  return parseWhole(text, RATE);
}

/** A scanned rate quantity (inside a larger expression) to events per second. */
export function rateOf(q: ScannedQuantity, text: string, what = "rate"): number {
  return quantityValue(q, text, RATE, what);
}

const RATE_FORMATS: readonly [string, number][] = [
  ["/s", 1],
  ["/min", 1 / 60],
  ["/h", 1 / 3600],
];

/** The shortest of "N/s", "N/min", "N/h" that parses back to `perSecond` exactly; ties go to /s. */
export function formatRate(perSecond: number): string {
  if (perSecond === 0) return "0/s";
  let best: string | undefined;
  for (const [unit, factor] of RATE_FORMATS) {
    const s = `${trimNumber(perSecond / factor)}${unit}`;
    if (parseRate(s) !== perSecond) continue;
    if (best === undefined || s.length < best.length) best = s;
  }
  return best ?? `${perSecond}/s`;
}

// ---- sizes ----------------------------------------------------------------------------------

/** Parse "512B", "2KiB", "1.5MB" to a whole number of bytes. KB = 1000 B, KiB = 1024 B. */
export function parseSize(text: string): number {
  return toBytes(parseWhole(text, SIZE), text, firstNonSpace(text));
}

/** A scanned size quantity (inside a larger expression) to whole bytes. */
export function sizeOf(q: ScannedQuantity, text: string, what = "size"): number {
  return toBytes(quantityValue(q, text, SIZE, what), text, q.start, what);
}

function toBytes(bytes: number, text: string, offset: number, what = "size"): number {
  const rounded = Math.round(bytes);
  // tolerate float noise such as 1.1 * 1000 = 1100.0000000000002, not real fractions of a byte
  if (Math.abs(bytes - rounded) > 1e-9 * Math.max(1, bytes)) {
    throw new UnitError(what, text, offset, `${bytes} is not a whole number of bytes`, "whole bytes");
  }
  if (!Number.isSafeInteger(rounded)) {
    throw new UnitError(what, text, offset, "too large", "a size below 2^53 bytes");
  }
  return rounded;
}

function firstNonSpace(text: string): number {
  let i = 0;
  while (text[i] === " ") i++;
  return i;
}

const SIZE_FORMATS: readonly [string, number][] = [
  ["GiB", 1024 ** 3],
  ["GB", 1e9],
  ["MiB", 1024 ** 2],
  ["MB", 1e6],
  ["KiB", 1024],
  ["KB", 1e3],
  ["B", 1],
];

/** The shortest exact text for a byte count: 2048 -> "2KiB", 1000 -> "1KB", 1500 -> "1.5KB". */
export function formatSize(bytes: number): string {
  const n = Math.round(bytes);
  if (n === 0) return "0B";
  if (n < 0) return `-${formatSize(-n)}`;
  return shortest(n, SIZE_FORMATS, (s) => parseSize(s));
}
