import { area, line, scaleLinear } from "d3";
import {
  CHART_WIDTH,
  emptyNote,
  type LegendItem,
  legend,
  r2,
  svgRoot,
  xAxis,
  yAxis,
} from "../charts/frame.js";
import { esc } from "../escape.js";
import { MARKER_COLOR, seriesStyle } from "../palette.js";

/** A series of a sweep chart: means with an optional confidence band per x. */
export interface XySeries {
  readonly label: string;
  readonly points: readonly {
    readonly x: number;
    readonly y: number;
    readonly lo: number | null;
    readonly hi: number | null;
  }[];
  /** Per point: SLO outcome to mark (pass: filled dot, fail: cross), or undefined for a plain dot. */
  readonly slo?: readonly (boolean | undefined)[];
}

export interface XyChart {
  readonly id: string;
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly xFormat: (v: number) => string;
  readonly yFormat: (v: number) => string;
  readonly series: readonly XySeries[];
  /** Vertical markers (knee, saturation) at x. */
  readonly vMarkers?: readonly { readonly x: number; readonly label: string }[];
  /** Horizontal reference lines (an SLO threshold). */
  readonly hLines?: readonly { readonly y: number; readonly label: string }[];
  /** Draw y = x (throughput vs offered load). */
  readonly diagonal?: boolean;
  /**
   * The quantity cannot be negative (a latency, a rate): a symmetric Student-t band reaching
   * below 0 is drawn from 0, so the axis does not show impossible values.
   */
  readonly nonNegative?: boolean;
}

const PASS = "#009E73";
const FAIL = "#D55E00";

/** Series styles skip the palette's green and vermillion, which mark SLO pass and fail. */
function style(i: number): { color: string; dash: string } {
  const usable = [0, 1, 3, 4, 6, 7];
  const k = usable[i % usable.length]!;
  const base = seriesStyle(k);
  return i < usable.length
    ? base
    : { color: base.color, dash: seriesStyle(8 * Math.floor(i / usable.length)).dash };
}

/**
 * A line chart of means against the varied parameter, with shaded 95 % confidence bands, SLO
 * pass / fail marks on the points and vertical markers for the knee and saturation point.
 */
export function renderXyChart(c: XyChart): string {
  const width = CHART_WIDTH;
  const items: LegendItem[] = c.series.map((s, i) => ({ label: s.label, ...style(i) }));
  if (c.series.some((s) => s.points.some((p) => p.lo !== null)))
    items.push({ label: "95 % CI", color: "#555555", kind: "band" });
  if (c.series.some((s) => s.slo?.some((v) => v !== undefined))) {
    items.push(
      { label: "SLO met", color: PASS, kind: "rect" },
      { label: "SLO missed", color: FAIL, kind: "rect" },
    );
  }
  for (const m of c.vMarkers ?? []) items.push({ label: m.label, color: MARKER_COLOR, kind: "marker" });
  const lg = legend(items, 60, 30, width - 80);
  const box = { left: 70, top: 36 + lg.height, width: width - 100, height: 260 };
  const height = box.top + box.height + 48;
  const all = c.series.flatMap((s) => s.points);
  if (all.length === 0) {
    return svgRoot(c.id, c.title, width, height, lg.svg + emptyNote(box, "no data"));
  }
  let xMin = Math.min(...all.map((p) => p.x));
  let xMax = Math.max(...all.map((p) => p.x));
  if (xMin === xMax) {
    xMin -= 1;
    xMax += 1;
  }
  const floor = (v: number) => (c.nonNegative ? Math.max(0, v) : v);
  const ys = all.flatMap((p) => [p.y, floor(p.lo ?? p.y), p.hi ?? p.y]).filter(Number.isFinite);
  for (const h of c.hLines ?? []) ys.push(h.y);
  if (c.diagonal) ys.push(xMin, xMax);
  const yMax = Math.max(0, ...ys);
  const yMin = Math.min(0, ...ys);
  const x = scaleLinear()
    .domain([xMin, xMax])
    .range([box.left, box.left + box.width])
    .nice();
  const y = scaleLinear()
    .domain([yMin, yMax === yMin ? yMin + 1 : yMax])
    .range([box.top + box.height, box.top])
    .nice();
  const parts: string[] = [lg.svg, xAxis(x, box, c.xLabel, c.xFormat), yAxis(y, box, c.yLabel, c.yFormat)];
  const clipX = (v: number) => r2(Math.max(box.left, Math.min(box.left + box.width, v)));
  if (c.diagonal) {
    const [d0, d1] = x.domain() as [number, number];
    parts.push(
      `<line class="diagonal" x1="${r2(x(d0))}" y1="${r2(y(d0))}" x2="${r2(x(d1))}" y2="${r2(y(d1))}" stroke="#999999" stroke-dasharray="3 3"><title>throughput = offered load</title></line>`,
    );
  }
  c.series.forEach((s, i) => {
    const st = style(i);
    const pts = s.points.filter((p) => Number.isFinite(p.y));
    const banded = pts.filter((p) => p.lo !== null && p.hi !== null);
    if (banded.length > 1) {
      const band = area<(typeof pts)[number]>()
        .x((p) => r2(x(p.x)))
        .y0((p) => r2(y(floor(p.lo!))))
        .y1((p) => r2(y(p.hi!)))(banded);
      parts.push(`<path class="ci-band" d="${band}" fill="${st.color}" fill-opacity="0.15" stroke="none"/>`);
    }
    const path = line<(typeof pts)[number]>()
      .x((p) => r2(x(p.x)))
      .y((p) => r2(y(p.y)))(pts);
    if (path) {
      parts.push(
        `<path class="series" data-series="${esc(s.label)}" d="${path}" fill="none" stroke="${st.color}" stroke-width="2"${st.dash ? ` stroke-dasharray="${st.dash}"` : ""}/>`,
      );
    }
    s.points.forEach((p, k) => {
      if (!Number.isFinite(p.y)) return;
      const px = r2(x(p.x));
      const py = r2(y(p.y));
      const ci = p.lo !== null ? ` [${c.yFormat(p.lo)}, ${c.yFormat(p.hi!)}]` : "";
      const tip = `<title>${esc(`${s.label} at ${c.xFormat(p.x)}: ${c.yFormat(p.y)}${ci}`)}</title>`;
      const ok = s.slo?.[k];
      if (ok === false) {
        parts.push(
          `<path class="slo-fail" d="M${px - 4},${py - 4}L${px + 4},${py + 4}M${px - 4},${py + 4}L${px + 4},${py - 4}" stroke="${FAIL}" stroke-width="2.5">${tip}</path>`,
        );
      } else {
        parts.push(
          `<circle class="${ok ? "slo-pass" : "point"}" cx="${px}" cy="${py}" r="3.5" fill="${ok ? PASS : st.color}">${tip}</circle>`,
        );
      }
    });
  });
  for (const h of c.hLines ?? []) {
    const hy = r2(y(h.y));
    parts.push(
      `<line class="threshold" x1="${box.left}" x2="${box.left + box.width}" y1="${hy}" y2="${hy}" stroke="${FAIL}" stroke-dasharray="6 3"/>`,
      `<text x="${box.left + 4}" y="${r2(hy - 4)}" fill="${FAIL}">${esc(h.label)}</text>`,
    );
  }
  (c.vMarkers ?? []).forEach((m, k) => {
    const mx = clipX(x(m.x));
    // labels right of the line, or left of it in the right third of the plot; stacked by index
    const left = mx > box.left + (2 * box.width) / 3;
    parts.push(
      `<line class="marker" x1="${mx}" x2="${mx}" y1="${box.top}" y2="${box.top + box.height}" stroke="${MARKER_COLOR}" stroke-dasharray="4 3"/>`,
      `<text x="${r2(left ? mx - 4 : mx + 4)}" y="${box.top + 12 + 14 * k}" text-anchor="${left ? "end" : "start"}" fill="${MARKER_COLOR}">${esc(m.label)}</text>`,
    );
  });
  return svgRoot(c.id, c.title, width, height, parts.join(""));
}
