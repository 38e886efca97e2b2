import type { FieldTable } from "./message.js";

/** A binding from exchange `source` to a queue or exchange `destination` (docs/e2e.md). */
export interface Binding {
  readonly source: string;
  readonly destination: string;
  readonly destinationKind: "queue" | "exchange";
  readonly key: string;
  readonly args: FieldTable;
  /** Identity: bindings with equal ids are the same binding (bind is idempotent). */
  readonly id: string;
}

export function makeBinding(
  source: string,
  destination: string,
  destinationKind: "queue" | "exchange",
  key: string,
  args: FieldTable = {},
): Binding {
  const id = `${source}\u0000${destinationKind}\u0000${destination}\u0000${key}\u0000${canonical(args)}`;
  return { source, destination, destinationKind, key, args, id };
}

/** Stable text of a field table: keys sorted, so {a,b} and {b,a} are the same binding. */
export function canonical(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "undefined";
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
    .join(",")}}`;
}
