import { curveMonotoneX, line, scaleLinear } from "d3";
import type { Marker } from "../../metrics/result.js";
import { esc } from "../escape.js";
import { timeUnit } from "../format.js";
import { MARKER_COLOR, seriesStyle } from "../palette.js";
import { type Box, CHART_WIDTH, emptyNote, type LegendItem, legend, svgRoot, xAxis, yAxis } from "./frame.js";
import { markerLayer } from "./markers.js";

export interface TimeLine {
  readonly name: string;
  /** One value per bin; null = no data in the bin (a gap in the line). */
  readonly values: readonly (number | null)[];
}

export interface TimeChartSpec {
  readonly id: string;
  readonly title: string;
  /** y-axis label with its unit, e.g. "messages / s". */
  readonly yLabel: string;
  readonly yFormat: (v: number) => string;
  /** Bin start times, seconds, and the bin width. */
  readonly time: readonly number[];
  readonly binWidth: number;
  /** Run end, seconds: the x domain is [0, endTime]. */
  readonly endTime: number;
  readonly lines: readonly TimeLine[];
  readonly markers: readonly Marker[];
  /** Fixed y maximum (e.g. 1 for utilisation); default: the data's max. */
  readonly yMax?: number;
  /** Note shown when there is nothing to plot. */
  readonly emptyText?: string;
}

const PLOT_HEIGHT = 210;

/**
 * A line chart over simulated time: one line per series, each value drawn at its bin's midpoint;
 * fault / event markers across the plot. Returns a standalone SVG string.
 */
export function renderTimeChart(spec: TimeChartSpec): string {
  const width = CHART_WIDTH;
  const legendItems: LegendItem[] = spec.lines.map((l, i) => {
    const st = seriesStyle(i);
    return { label: l.name, color: st.color, dash: st.dash };
  });
  if (spec.markers.length > 0)
    legendItems.push({ label: "fault / event", color: MARKER_COLOR, kind: "marker" });
  const lg = legend(legendItems, 70, 30, width - 90);
  const box: Box = { left: 64, top: 34 + lg.height + 6, width: width - 64 - 20, height: PLOT_HEIGHT };
  const height = box.top + box.height + 44;

  const tu = timeUnit(spec.endTime);
  const end = Math.max(spec.endTime, 1e-9);
  const x = scaleLinear()
    .domain([0, end * tu.factor])
    .range([box.left, box.left + box.width]);
  let dataMax = 0;
  let points = 0;
  for (const l of spec.lines) {
    for (const v of l.values) {
      if (v !== null) {
        points++;
        if (v > dataMax) dataMax = v;
      }
    }
  }
  const yTop = spec.yMax ?? (dataMax > 0 ? dataMax : 1);
  const y = scaleLinear()
    .domain([0, yTop])
    .nice()
    .range([box.top + box.height, box.top]);

  const mid = (i: number): number => Math.min(spec.endTime, spec.time[i]! + spec.binWidth / 2) * tu.factor;
  const parts: string[] = [
    lg.svg,
    yAxis(y, box, spec.yLabel, spec.yFormat),
    xAxis(x, box, `simulated time (${tu.unit})`, (v) => String(Number(v.toPrecision(6)))),
  ];
  if (points === 0) parts.push(emptyNote(box, spec.emptyText ?? "no data in this run"));
  spec.lines.forEach((l, i) => {
    const st = seriesStyle(i);
    const pts: [number, number | null][] = l.values.map((v, j) => [mid(j), v]);
    const gen = line<[number, number | null]>()
      .defined((p) => p[1] !== null)
      .x((p) => x(p[0]))
      .y((p) => y(p[1] ?? 0))
      .curve(curveMonotoneX)
      .digits(2);
    const d = gen(pts) ?? "";
    const single = pts.filter((p) => p[1] !== null).length === 1;
    parts.push(
      `<g class="series" data-series="${esc(l.name)}"><title>${esc(l.name)}</title>` +
        `<path d="${d}" fill="none" stroke="${st.color}" stroke-width="1.8"${st.dash ? ` stroke-dasharray="${st.dash}"` : ""}/>` +
        (single ? singleDot(pts, x, y, st.color) : "") +
        `</g>`,
    );
  });
  parts.push(markerLayer(spec.markers, (s) => x(s * tu.factor), box));
  return svgRoot(spec.id, spec.title, width, height, parts.join(""));
}

/** A series with one point draws no line: show it as a dot. */
function singleDot(
  pts: readonly [number, number | null][],
  x: (v: number) => number,
  y: (v: number) => number,
  color: string,
): string {
  const p = pts.find((q) => q[1] !== null)!;
  return `<circle cx="${Math.round(x(p[0]) * 100) / 100}" cy="${Math.round(y(p[1]!) * 100) / 100}" r="3" fill="${color}"/>`;
}
