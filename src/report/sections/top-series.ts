import { compareText } from "../order.js";

/** How many named series a chart draws before lumping the rest into "other". */
export const MAX_SERIES = 8;

/**
 * Pick the `max` series with the largest `weight` (ties by name) and sum the rest, bin by bin,
 * into one "other (N)" series, so a run with 200 queues still gives a readable chart.
 * The returned series are in name order, "other" last.
 */
export function topSeries(
  series: { readonly [name: string]: readonly number[] },
  weight: (values: readonly number[]) => number,
  what: string,
  max = MAX_SERIES,
): { name: string; values: number[] }[] {
  const names = Object.keys(series);
  const ranked = [...names].sort((a, b) => weight(series[b]!) - weight(series[a]!) || compareText(a, b));
  const keep = ranked.slice(0, max).sort(compareText);
  const rest = ranked.slice(max);
  const out = keep.map((n) => ({ name: displayName(n), values: [...series[n]!] }));
  if (rest.length > 0) {
    const len = series[rest[0]!]!.length;
    const sum = new Array<number>(len).fill(0);
    for (const n of rest) {
      series[n]!.forEach((v, i) => {
        sum[i] = sum[i]! + v;
      });
    }
    out.push({ name: `other ${rest.length} ${what}`, values: sum.map((v) => Number(v.toPrecision(9))) });
  }
  return out;
}

export const sum = (vs: readonly number[]): number => vs.reduce((a, b) => a + b, 0);
export const maxOf = (vs: readonly number[]): number => vs.reduce((a, b) => Math.max(a, b), 0);

/** The default exchange has the empty name. */
export function displayName(name: string): string {
  return name === "" ? "(default exchange)" : name;
}
