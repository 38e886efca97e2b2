import { line, scaleLinear } from "d3";
import type { HistogramData, LatencySummary } from "../../metrics/result.js";
import { esc } from "../escape.js";
import { formatSeconds } from "../format.js";
import { MARKER_COLOR, seriesStyle } from "../palette.js";
import { type Box, CHART_WIDTH, emptyNote, r2, svgRoot, xAxis, yAxis } from "./frame.js";
import { logDurationAxis } from "./log-axis.js";

/**
 * The cumulative distribution of latency on a log duration axis, from the histogram buckets
 * (the fraction of samples below each bucket's upper bound), with the p50 / p99 / p99.9 of the
 * summary marked.
 */
export function renderCdfChart(id: string, title: string, h: HistogramData, s: LatencySummary): string {
  const width = CHART_WIDTH;
  const box: Box = { left: 64, top: 40, width: width - 84, height: 210 };
  const height = box.top + box.height + 44;
  const y = scaleLinear()
    .domain([0, 1])
    .range([box.top + box.height, box.top]);
  const pct = (v: number): string => `${Math.round(v * 100)}%`;
  const parts: string[] = [
    yAxis(y, box, "fraction of samples ≤ latency (%)", pct, [0, 0.25, 0.5, 0.75, 0.9, 1]),
  ];
  const ax = logDurationAxis(h, [box.left, box.left + box.width]);
  if (!ax || h.count === 0) {
    parts.push(
      xAxis(scaleLinear().range([box.left, box.left + box.width]), box, "latency (s, log scale)", String, []),
    );
    parts.push(emptyNote(box, h.count > 0 ? "all samples were 0 s" : "no samples in this run"));
    return svgRoot(id, title, width, height, parts.join(""));
  }
  parts.push(xAxis(ax.scale, box, `latency (${ax.unit}, log scale)`, ax.format, ax.ticks));
  let cum = h.buckets.filter((b) => b.lower === 0).reduce((a, b) => a + b.count, 0);
  const first = h.buckets.find((b) => b.lower > 0)!;
  const pts: [number, number][] = [[ax.scale(first.lower * ax.factor), y(cum / h.count)]];
  for (const b of h.buckets) {
    if (b.lower === 0) continue;
    cum += b.count;
    pts.push([ax.scale(b.upper * ax.factor), y(cum / h.count)]);
  }
  const d = line().digits(2)(pts) ?? "";
  parts.push(`<path class="cdf" d="${d}" fill="none" stroke="${seriesStyle(0).color}" stroke-width="2"/>`);
  const [d0, d1] = ax.scale.domain() as [number, number];
  const marks: [string, number][] = [
    ["p50", s.p50],
    ["p99", s.p99],
    ["p99.9", s.p999],
  ];
  marks.forEach(([name, v], i) => {
    const xv = Math.min(d1, Math.max(d0, v * ax.factor));
    const px = r2(ax.scale(xv));
    parts.push(
      `<g class="percentile"><title>${name} = ${esc(formatSeconds(v))}</title>` +
        `<line x1="${px}" x2="${px}" y1="${box.top}" y2="${box.top + box.height}" stroke="${MARKER_COLOR}" stroke-dasharray="2 3"/>` +
        `<text x="${r2(px - 3)}" y="${box.top + box.height - 8 - i * 13}" text-anchor="end" fill="#333333">${name} ${esc(formatSeconds(v))}</text></g>`,
    );
  });
  return svgRoot(id, title, width, height, parts.join(""));
}
