import type { PathSegment } from "../source.js";

/**
 * A section of the scenario file is one file in this folder exporting
 *   - `<section>Shape`: zod fields merged into the top-level scenario object, and
 *   - optionally `<section>Checks`: cross-reference checks over the raw document.
 * scenario.ts composes them; a new section is a new file plus one line there.
 *
 * Checks run on the raw data (before or despite schema errors), so reference problems are
 * reported together with type problems; they must therefore guard every access.
 */
export interface CheckContext {
  /** Report a problem at `path` (optionally at key `key` inside it, or `offset` into a scalar). */
  problem(path: readonly PathSegment[], message: string, opts?: { key?: string; offset?: number }): void;
}

/** The raw document: whatever the YAML held. */
export type RawDoc = { readonly [key: string]: unknown };

export type SectionCheck = (doc: RawDoc, ctx: CheckContext) => void;

/** `doc[key]` as an array of records, skipping anything malformed (the schema reports that). */
export function records(value: unknown): { index: number; item: { readonly [key: string]: unknown } }[] {
  if (!Array.isArray(value)) return [];
  const out: { index: number; item: { readonly [key: string]: unknown } }[] = [];
  value.forEach((item, index) => {
    if (item !== null && typeof item === "object" && !Array.isArray(item)) {
      out.push({ index, item: item as { readonly [key: string]: unknown } });
    }
  });
  return out;
}

/** A string field, or undefined. */
export function str(item: { readonly [key: string]: unknown }, key: string): string | undefined {
  const v = item[key];
  return typeof v === "string" ? v : undefined;
}

/** A raw value parsed with `parse`, or undefined if it is missing or malformed (the schema reports that). */
export function tryParse<T>(value: unknown, parse: (text: string) => T): T | undefined {
  if (typeof value !== "string") return undefined;
  try {
    return parse(value);
  } catch {
    return undefined;
  }
}

/** Reports names used twice in a list section. */
export function checkUniqueNames(doc: RawDoc, section: string, what: string, ctx: CheckContext): void {
  const seen = new Set<string>();
  for (const { index, item } of records(doc[section])) {
    const name = str(item, "name");
    if (name === undefined) continue;
    if (seen.has(name)) ctx.problem([section, index, "name"], `${what} "${name}" is declared twice`);
    seen.add(name);
  }
}

/** start < stop, and start before the end of the run. */
export function checkWindow(
  doc: RawDoc,
  section: string,
  index: number,
  item: { readonly [key: string]: unknown },
  ctx: CheckContext,
  parse: (text: string) => number,
): void {
  const start = tryParse(item.start, parse) ?? 0;
  const stop = tryParse(item.stop, parse);
  const end = tryParse(doc.duration, parse);
  if (stop !== undefined && stop <= start) {
    ctx.problem(
      [section, index, "stop"],
      `stop (${String(item.stop)}) must be after start (${String(item.start ?? "0s")})`,
    );
  }
  if (end !== undefined && start >= end) {
    ctx.problem(
      [section, index, "start"],
      `starts at ${String(item.start)}, at or after the end of the run (duration ${String(doc.duration)})`,
    );
  }
}
