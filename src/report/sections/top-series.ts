import { compareText } from "../order.js";

/** How many named series a chart draws before lumping the rest into "other". */
export const MAX_SERIES = 8;

/**
 * Pick the `max` series that rank highest and sum the rest, bin by bin, into one "other N ..."
 * series, so a run with 200 queues still gives a readable chart. `rank` gives each series a key
 * compared largest first, element by element (e.g. [depth max, enqueued]); ties go by name.
 * The returned series are in name order, "other" last.
 */
export function topSeries(
  series: { readonly [name: string]: readonly number[] },
  rank: (values: readonly number[], name: string) => number | readonly number[],
  what: string,
  max = MAX_SERIES,
): { name: string; values: number[] }[] {
  const names = Object.keys(series);
  const ranked = byRank(names, (n) => rank(series[n]!, n));
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

/** Names sorted by a rank key, largest first (lexicographic over arrays), then by name. */
export function byRank(
  names: readonly string[],
  rank: (name: string) => number | readonly number[],
): string[] {
  const keys = new Map(names.map((n) => [n, ([] as number[]).concat(rank(n))]));
  return [...names].sort((a, b) => {
    const ka = keys.get(a)!;
    const kb = keys.get(b)!;
    for (let i = 0; i < Math.max(ka.length, kb.length); i++) {
      const d = (kb[i] ?? 0) - (ka[i] ?? 0);
      if (d !== 0) return d;
    }
    return compareText(a, b);
  });
}

export const sum = (vs: readonly number[]): number => vs.reduce((a, b) => a + b, 0);
export const maxOf = (vs: readonly number[]): number => vs.reduce((a, b) => Math.max(a, b), 0);

/** The default exchange has the empty name. */
export function displayName(name: string): string {
  return name === "" ? "(default exchange)" : name;
}
