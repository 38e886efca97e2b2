import { scaleLinear } from "d3";
import { esc } from "../escape.js";
import { formatCount } from "../format.js";
import {
  type Box,
  CHART_WIDTH,
  clip,
  emptyNote,
  type LegendItem,
  legend,
  r2,
  svgRoot,
  xAxis,
} from "./frame.js";

export interface Bar {
  readonly label: string;
  readonly value: number;
  readonly color: string;
}

/**
 * Horizontal bars with their values printed at the end (message fates, per-queue totals).
 * `legendItems` explains the colours.
 */
export function renderBarChart(
  id: string,
  title: string,
  bars: readonly Bar[],
  xLabel: string,
  legendItems: readonly LegendItem[] = [],
): string {
  const width = CHART_WIDTH;
  const lg = legend(legendItems, 12, 30, width - 24);
  const rowH = 20;
  const labelW = 150;
  const box: Box = {
    left: labelW,
    top: 34 + lg.height + 8,
    width: width - labelW - 70,
    height: Math.max(1, bars.length) * rowH,
  };
  const height = box.top + box.height + 44;
  const maxV = Math.max(1, ...bars.map((b) => b.value));
  const x = scaleLinear()
    .domain([0, maxV])
    .nice()
    .range([box.left, box.left + box.width]);
  const parts: string[] = [lg.svg, xAxis(x, box, xLabel, formatCount)];
  if (bars.length === 0) parts.push(emptyNote(box, "nothing to show"));
  bars.forEach((b, i) => {
    const y0 = box.top + i * rowH;
    const w = r2(x(b.value) - box.left);
    parts.push(
      `<g class="bar" data-label="${esc(b.label)}"><title>${esc(b.label)}: ${b.value}</title>` +
        `<text x="${box.left - 8}" y="${y0 + 14}" text-anchor="end" fill="#222222">${esc(clip(b.label, 24))}</text>` +
        `<rect x="${box.left}" y="${y0 + 3}" width="${Math.max(b.value > 0 ? 1 : 0, w)}" height="${rowH - 6}" fill="${b.color}"/>` +
        `<text x="${r2(box.left + w + 5)}" y="${y0 + 14}" fill="#222222">${esc(formatCount(b.value))}</text></g>`,
    );
  });
  return svgRoot(id, title, width, height, parts.join(""));
}
