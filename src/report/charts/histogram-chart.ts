import { scaleLinear } from "d3";
import type { HistogramData } from "../../metrics/result.js";
import { formatCount } from "../format.js";
import { seriesStyle } from "../palette.js";
import { type Box, CHART_WIDTH, emptyNote, r2, svgRoot, xAxis, yAxis } from "./frame.js";
import { logDurationAxis } from "./log-axis.js";

/**
 * A latency histogram on a log duration axis: one bar per log-spaced bucket (RunResult
 * histograms, 10 per decade), height = number of samples. Zero-latency samples (possible on the
 * cost-free runtime) cannot sit on a log axis: they are counted in a note instead.
 */
export function renderHistogramChart(id: string, title: string, h: HistogramData, what: string): string {
  const width = CHART_WIDTH;
  const box: Box = { left: 64, top: 40, width: width - 84, height: 210 };
  const height = box.top + box.height + 44;
  const ax = logDurationAxis(h, [box.left, box.left + box.width]);
  const zero = h.buckets.filter((b) => b.lower === 0).reduce((a, b) => a + b.count, 0);
  const maxCount = Math.max(1, ...h.buckets.filter((b) => b.lower > 0).map((b) => b.count));
  const y = scaleLinear()
    .domain([0, maxCount])
    .nice()
    .range([box.top + box.height, box.top]);
  const parts: string[] = [yAxis(y, box, `${what} (count)`, formatCount)];
  if (!ax) {
    parts.push(
      xAxis(scaleLinear().range([box.left, box.left + box.width]), box, "latency (s, log scale)", String, []),
    );
    parts.push(emptyNote(box, zero > 0 ? `all ${zero} samples were 0 s` : "no samples in this run"));
    return svgRoot(id, title, width, height, parts.join(""));
  }
  parts.push(xAxis(ax.scale, box, `latency (${ax.unit}, log scale)`, ax.format, ax.ticks));
  const color = seriesStyle(0).color;
  const bars: string[] = [`<g class="bars">`];
  for (const b of h.buckets) {
    if (b.lower === 0) continue;
    const x0 = ax.scale(b.lower * ax.factor);
    const x1 = ax.scale(b.upper * ax.factor);
    const y0 = y(b.count);
    bars.push(
      `<rect x="${r2(x0 + 0.5)}" y="${r2(y0)}" width="${r2(Math.max(1, x1 - x0 - 1))}" height="${r2(box.top + box.height - y0)}" fill="${color}">` +
        `<title>${b.count} samples in [${b.lower}, ${b.upper}) s</title></rect>`,
    );
  }
  bars.push(`</g>`);
  parts.push(bars.join(""));
  if (zero > 0) {
    parts.push(
      `<text x="${box.left + box.width}" y="${box.top - 6}" text-anchor="end" fill="#555555">${zero} samples of 0 s not shown</text>`,
    );
  }
  return svgRoot(id, title, width, height, parts.join(""));
}
