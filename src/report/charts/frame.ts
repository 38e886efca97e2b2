import type { ScaleContinuousNumeric } from "d3";
import { esc } from "../escape.js";
import { AXIS_COLOR, GRID_COLOR } from "../palette.js";

/**
 * The parts every chart shares, as SVG strings: the root element (standalone-valid, so the same
 * text is a charts/*.svg file and inline SVG in index.html), title, legend, axes with units and
 * grid lines. Styling is in attributes, not CSS classes, so a standalone .svg looks the same.
 */

export const CHART_WIDTH = 720;
export const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif";

export interface Box {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export interface LegendItem {
  readonly label: string;
  readonly color: string;
  readonly dash?: string;
  /** "line" (default), "rect" (filled swatch) or "band" (marker shading). */
  readonly kind?: "line" | "rect" | "band" | "marker";
}

/** Approximate text width in px for 11-12 px sans-serif (no DOM to measure with). */
export function textWidth(text: string, fontSize = 11): number {
  return Math.ceil(text.length * fontSize * 0.58);
}

/** Shorten a label to at most n characters with an ellipsis. */
export function clip(text: string, n: number): string {
  return text.length <= n ? text : `${text.slice(0, Math.max(1, n - 1))}…`;
}

export function svgRoot(id: string, title: string, width: number, height: number, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"` +
    ` role="img" aria-labelledby="${esc(id)}-title" data-chart="${esc(id)}" font-family="${FONT}" font-size="11">` +
    `<title id="${esc(id)}-title">${esc(title)}</title>` +
    `<rect width="${width}" height="${height}" fill="#ffffff"/>` +
    `<text x="12" y="20" font-size="14" font-weight="600" fill="#111111">${esc(title)}</text>` +
    body +
    `</svg>`
  );
}

/** Lay out legend items in rows from (x, y) within maxWidth; returns the SVG and its height. */
export function legend(
  items: readonly LegendItem[],
  x: number,
  y: number,
  maxWidth: number,
): { svg: string; height: number } {
  if (items.length === 0) return { svg: "", height: 0 };
  const rowH = 16;
  let cx = x;
  let cy = y;
  const parts: string[] = [];
  for (const it of items) {
    const label = clip(it.label, 40);
    const w = 22 + textWidth(label) + 14;
    if (cx > x && cx + w > x + maxWidth) {
      cx = x;
      cy += rowH;
    }
    const my = cy + 8;
    const kind = it.kind ?? "line";
    if (kind === "rect") {
      parts.push(`<rect x="${cx}" y="${my - 5}" width="16" height="10" fill="${it.color}"/>`);
    } else if (kind === "band") {
      parts.push(
        `<rect x="${cx}" y="${my - 6}" width="16" height="12" fill="${it.color}" fill-opacity="0.15"/>`,
      );
    } else {
      const dash = kind === "marker" ? "4 3" : (it.dash ?? "");
      parts.push(
        `<line x1="${cx}" x2="${cx + 16}" y1="${my}" y2="${my}" stroke="${it.color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ""}/>`,
      );
    }
    parts.push(
      `<text x="${cx + 22}" y="${my + 4}" fill="#222222"><title>${esc(it.label)}</title>${esc(label)}</text>`,
    );
    cx += w;
  }
  return { svg: `<g class="legend">${parts.join("")}</g>`, height: cy - y + rowH };
}

type Scale = ScaleContinuousNumeric<number, number>;

/**
 * Tick labels from the chart's formatter, unless it rounds two ticks to the same text (a depth
 * axis from 0 to 0.03 in steps of 0.005 read "0.01, 0.01, 0.02, 0.02"): then d3's tickFormat,
 * which picks the precision the tick step needs (the axis label carries the unit).
 */
function tickLabels(
  scale: Scale,
  vs: readonly number[],
  count: number,
  fmt: (v: number) => string,
): string[] {
  const labels = vs.map(fmt);
  if (new Set(labels).size === labels.length) return labels;
  const precise = scale.tickFormat(count);
  return vs.map((v) => precise(v));
}

/** Bottom axis with ticks, vertical grid lines and a label (which must carry the unit). */
export function xAxis(
  scale: Scale,
  box: Box,
  label: string,
  fmt: (v: number) => string,
  ticks?: readonly number[],
): string {
  const count = Math.max(2, Math.floor(box.width / 90));
  const vs = ticks ?? scale.ticks(count);
  const labels = tickLabels(scale, vs, count, fmt);
  const y0 = box.top + box.height;
  const parts: string[] = [`<g class="axis x-axis">`];
  for (const [i, v] of vs.entries()) {
    const x = r2(scale(v));
    parts.push(
      `<line x1="${x}" x2="${x}" y1="${box.top}" y2="${y0}" stroke="${GRID_COLOR}"/>`,
      `<line x1="${x}" x2="${x}" y1="${y0}" y2="${y0 + 5}" stroke="${AXIS_COLOR}"/>`,
      `<text x="${x}" y="${y0 + 17}" text-anchor="middle" fill="${AXIS_COLOR}">${esc(labels[i]!)}</text>`,
    );
  }
  parts.push(
    `<line x1="${box.left}" x2="${box.left + box.width}" y1="${y0}" y2="${y0}" stroke="${AXIS_COLOR}"/>`,
    `<text class="axis-label" x="${r2(box.left + box.width / 2)}" y="${y0 + 33}" text-anchor="middle" fill="${AXIS_COLOR}" font-size="12">${esc(label)}</text>`,
    `</g>`,
  );
  return parts.join("");
}

/** Left axis with ticks, horizontal grid lines and a rotated label (which must carry the unit). */
export function yAxis(
  scale: Scale,
  box: Box,
  label: string,
  fmt: (v: number) => string,
  ticks?: readonly number[],
): string {
  const count = Math.max(2, Math.floor(box.height / 40));
  const vs = ticks ?? scale.ticks(count);
  const labels = tickLabels(scale, vs, count, fmt);
  const parts: string[] = [`<g class="axis y-axis">`];
  for (const [i, v] of vs.entries()) {
    const y = r2(scale(v));
    parts.push(
      `<line x1="${box.left}" x2="${box.left + box.width}" y1="${y}" y2="${y}" stroke="${GRID_COLOR}"/>`,
      `<line x1="${box.left - 5}" x2="${box.left}" y1="${y}" y2="${y}" stroke="${AXIS_COLOR}"/>`,
      `<text x="${box.left - 8}" y="${r2(y + 4)}" text-anchor="end" fill="${AXIS_COLOR}">${esc(labels[i]!)}</text>`,
    );
  }
  const cy = r2(box.top + box.height / 2);
  parts.push(
    `<line x1="${box.left}" x2="${box.left}" y1="${box.top}" y2="${box.top + box.height}" stroke="${AXIS_COLOR}"/>`,
    `<text class="axis-label" transform="translate(14 ${cy}) rotate(-90)" text-anchor="middle" fill="${AXIS_COLOR}" font-size="12">${esc(label)}</text>`,
    `</g>`,
  );
  return parts.join("");
}

/** A centred note inside the plot area ("no deliveries in this run"). */
export function emptyNote(box: Box, text: string): string {
  return `<text class="empty-note" x="${r2(box.left + box.width / 2)}" y="${r2(box.top + box.height / 2)}" text-anchor="middle" fill="#777777" font-size="13">${esc(text)}</text>`;
}

/** Round a pixel coordinate to 2 decimals (short, deterministic SVG text). */
export function r2(x: number): number {
  return Math.round(x * 100) / 100;
}
