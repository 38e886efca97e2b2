import type { Marker } from "../../metrics/result.js";
import { esc } from "../escape.js";
import { formatSeconds } from "../format.js";
import { MARKER_COLOR } from "../palette.js";
import { type Box, clip, r2 } from "./frame.js";

/**
 * Fault / event markers on a time axis: a dashed vertical line at the marker's time, a shaded
 * band up to `until` for conditions that last, and a short label (the kind; the full label is the
 * hover title). Labels are placed by placeLabels() so that neighbours do not overprint.
 *
 * `x` maps seconds to pixels; markers outside [0, endTime] are clamped to the plot.
 */
export function markerLayer(markers: readonly Marker[], x: (seconds: number) => number, box: Box): string {
  if (markers.length === 0) return "";
  const left = box.left;
  const right = box.left + box.width;
  const clampX = (px: number): number => r2(Math.min(right, Math.max(left, px)));
  const xs = markers.map((m) => clampX(x(m.time)));
  const texts = markers.map((m) => clip(m.kind, 18));
  const labels = placeLabels(
    xs,
    texts.map((t) => t.length * CHAR_WIDTH),
    right,
  );
  const parts: string[] = [`<g class="markers">`];
  markers.forEach((m, i) => {
    const x0 = xs[i]!;
    const label = labels[i]!;
    const title = `${m.label} (${m.kind}) at ${formatSeconds(m.time)}${m.until !== undefined ? ` until ${formatSeconds(m.until)}` : ""}`;
    parts.push(`<g class="marker" data-kind="${esc(m.kind)}"><title>${esc(title)}</title>`);
    if (m.until !== undefined) {
      const x1 = clampX(x(m.until));
      parts.push(
        `<rect x="${x0}" y="${box.top}" width="${r2(Math.max(1, x1 - x0))}" height="${box.height}" fill="${MARKER_COLOR}" fill-opacity="0.12"/>`,
      );
    }
    const ly = box.top + 11 + label.row * 12;
    parts.push(
      `<line x1="${x0}" x2="${x0}" y1="${box.top}" y2="${box.top + box.height}" stroke="${MARKER_COLOR}" stroke-width="1.5" stroke-dasharray="4 3"/>`,
      `<text x="${r2(label.x)}" y="${ly}" fill="${MARKER_COLOR}" font-size="10">${esc(texts[i]!)}</text>`,
      `</g>`,
    );
  });
  parts.push(`</g>`);
  return parts.join("");
}

/** Width of one label character at font-size 10, px (a sans-serif average; a little generous). */
const CHAR_WIDTH = 6;
/** Label rows under the top of the plot; more labels than fit share the emptiest row. */
const LABEL_ROWS = 4;
/** Space kept between two labels on a row, and between a label and its line, px. */
const LABEL_GAP = 3;

/** Where a marker's label goes: its left edge and its row (0 = top). */
export interface LabelPlace {
  readonly x: number;
  readonly row: number;
}

/**
 * Place labels of the given widths next to lines at `xs` (px), each to the right of its line,
 * or to the left when it would run past `right`. Going left to right, a label takes the first row
 * whose last label ends before it starts; when every row is taken it goes on the row that frees
 * up first (overprinting only when more than LABEL_ROWS markers crowd together).
 */
export function placeLabels(xs: readonly number[], widths: readonly number[], right: number): LabelPlace[] {
  const order = xs.map((_, i) => i).sort((a, b) => xs[a]! - xs[b]! || a - b);
  const rowEnd: number[] = new Array<number>(LABEL_ROWS).fill(Number.NEGATIVE_INFINITY);
  const places: LabelPlace[] = new Array<LabelPlace>(xs.length);
  for (const i of order) {
    const w = widths[i]!;
    const start = xs[i]! + LABEL_GAP + w > right ? xs[i]! - LABEL_GAP - w : xs[i]! + LABEL_GAP;
    let row = rowEnd.findIndex((end) => end + LABEL_GAP <= start);
    if (row < 0) row = rowEnd.indexOf(Math.min(...rowEnd));
    rowEnd[row] = start + w;
    places[i] = { x: start, row };
  }
  return places;
}
