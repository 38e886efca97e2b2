import { scaleLog } from "d3";
import type { HistogramData } from "../../metrics/result.js";
import { durationUnit } from "../format.js";

/**
 * The log-scaled duration axis shared by the latency histogram and the CDF: domain from the
 * smallest non-zero bucket's lower bound to the largest upper bound, in the unit that reads best,
 * with ticks at powers of ten (1-2-5 steps when the range is under two decades).
 */
export function logDurationAxis(
  h: HistogramData,
  range: [number, number],
): {
  scale: ReturnType<typeof scaleLog<number, number>>;
  unit: string;
  factor: number;
  ticks: number[];
  format: (v: number) => string;
} | null {
  const bs = h.buckets.filter((b) => b.lower > 0);
  if (bs.length === 0) return null;
  const lo = bs[0]!.lower;
  const hi = bs[bs.length - 1]!.upper;
  const { unit, factor } = durationUnit(hi);
  const scale = scaleLog()
    .domain([lo * factor, hi * factor])
    .range(range);
  const [d0, d1] = scale.domain() as [number, number];
  const decades = Math.log10(d1 / d0);
  const ticks: number[] = [];
  const steps = decades < 2 ? [1, 2, 5] : [1];
  for (let e = Math.floor(Math.log10(d0)); e <= Math.ceil(Math.log10(d1)); e++) {
    for (const m of steps) {
      const v = m * 10 ** e;
      if (v >= d0 * 0.999 && v <= d1 * 1.001) ticks.push(Number(v.toPrecision(6)));
    }
  }
  if (ticks.length < 2) {
    ticks.length = 0;
    ticks.push(Number(d0.toPrecision(3)), Number(d1.toPrecision(3)));
  }
  const format = (v: number): string => String(Number(v.toPrecision(3)));
  return { scale, unit, factor, ticks, format };
}
