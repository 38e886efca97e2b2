import { format } from "d3";

/**
 * Number formatting for reports. d3-format's default locale is fixed (en-US), never the machine's,
 * so the same result renders the same bytes everywhere.
 */

const sig3 = format(".3~s");
const fixed = (digits: number) => format(`.${digits}~f`);

/** Below 1000 plainly (2 decimals under 10, 1 under 1000); from 1000 on 3 significant digits + SI: "12.3k". */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) < 1000) return Number.isInteger(n) ? String(n) : fixed(Math.abs(n) < 10 ? 2 : 1)(n);
  return sig3(n);
}

/** A rate per second: "1.2k/s", "0.5/s". */
export function formatRate(perSecond: number): string {
  return `${formatCount(perSecond)}/s`;
}

/** A duration in seconds, in the unit that reads best: "850ns", "12.5µs", "3.2ms", "1.5s", "2.5min". */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return String(s);
  const a = Math.abs(s);
  if (a === 0) return "0s";
  if (a < 1e-6) return `${trim(s * 1e9)}ns`;
  if (a < 1e-3) return `${trim(s * 1e6)}µs`;
  if (a < 1) return `${trim(s * 1e3)}ms`;
  if (a < 120) return `${trim(s)}s`;
  if (a < 7200) return `${trim(s / 60)}min`;
  return `${trim(s / 3600)}h`;
}

/** Bytes with binary prefixes: "512B", "2KiB", "1.5MiB". */
export function formatBytes(b: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = b;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${trim(v)}${units[i]}`;
}

export function formatPercent(fraction: number): string {
  return `${trim(fraction * 100)}%`;
}

/** Up to 3 significant digits, no trailing zeros: 12.5, 0.123, 1230. */
function trim(x: number): string {
  const a = Math.abs(x);
  if (a >= 100) return String(Math.round(x));
  return String(Number(x.toPrecision(3)));
}

/** A display unit for a duration axis whose largest value is maxSeconds. */
export function durationUnit(maxSeconds: number): { unit: string; factor: number } {
  if (maxSeconds <= 0) return { unit: "ms", factor: 1e3 };
  if (maxSeconds < 2e-6) return { unit: "ns", factor: 1e9 };
  if (maxSeconds < 2e-3) return { unit: "µs", factor: 1e6 };
  if (maxSeconds < 2) return { unit: "ms", factor: 1e3 };
  return { unit: "s", factor: 1 };
}

/** A display unit for a time axis of a run ending at endSeconds. */
export function timeUnit(endSeconds: number): { unit: string; factor: number } {
  if (endSeconds > 3 * 3600) return { unit: "h", factor: 1 / 3600 };
  if (endSeconds > 600) return { unit: "min", factor: 1 / 60 };
  if (endSeconds < 0.5) return { unit: "ms", factor: 1e3 };
  return { unit: "s", factor: 1 };
}
