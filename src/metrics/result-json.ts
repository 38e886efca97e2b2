/**
 * result.json text: like JSON.stringify(value, null, 2), but arrays of numbers (the time series,
 * one value per bin) stay on one line, so the file is a fraction of the size and a reader can
 * see its structure. Deterministic: key order as in the object, numbers as JSON.stringify writes
 * them (non-finite ones as null). Ends with a newline.
 */
export function formatResultJson(value: unknown): string {
  return `${write(value, "")}\n`;
}

function write(v: unknown, indent: string): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (v.length === 0) return "[]";
    // JSON.stringify of an all-number array writes exactly the join of each number's own text
    // (non-finite -> null, no spaces) in one native call: the time series are most of the file.
    if (numbersOnly(v)) return JSON.stringify(v);
    return `[\n${v.map((x) => inner + write(x, inner)).join(",\n")}\n${indent}]`;
  }
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
  if (entries.length === 0) return "{}";
  return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${write(x, inner)}`).join(",\n")}\n${indent}}`;
}

function numbersOnly(a: readonly unknown[]): boolean {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (x !== null && typeof x !== "number") return false;
  }
  return true;
}
