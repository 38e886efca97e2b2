import type { Marker } from "../../metrics/result.js";
import { esc } from "../escape.js";
import { formatSeconds } from "../format.js";
import { MARKER_COLOR } from "../palette.js";
import { type Box, clip, r2 } from "./frame.js";

/**
 * Fault / event markers on a time axis: a dashed vertical line at the marker's time, a shaded
 * band up to `until` for conditions that last, and a short label (the kind; the full label is the
 * hover title). Labels are staggered over three rows so neighbours do not overprint.
 *
 * `x` maps seconds to pixels; markers outside [0, endTime] are clamped to the plot.
 */
export function markerLayer(markers: readonly Marker[], x: (seconds: number) => number, box: Box): string {
  if (markers.length === 0) return "";
  const left = box.left;
  const right = box.left + box.width;
  const clampX = (px: number): number => r2(Math.min(right, Math.max(left, px)));
  const parts: string[] = [`<g class="markers">`];
  markers.forEach((m, i) => {
    const x0 = clampX(x(m.time));
    const title = `${m.label} (${m.kind}) at ${formatSeconds(m.time)}${m.until !== undefined ? ` until ${formatSeconds(m.until)}` : ""}`;
    parts.push(`<g class="marker" data-kind="${esc(m.kind)}"><title>${esc(title)}</title>`);
    if (m.until !== undefined) {
      const x1 = clampX(x(m.until));
      parts.push(
        `<rect x="${x0}" y="${box.top}" width="${r2(Math.max(1, x1 - x0))}" height="${box.height}" fill="${MARKER_COLOR}" fill-opacity="0.12"/>`,
      );
    }
    const ly = box.top + 11 + (i % 3) * 12;
    parts.push(
      `<line x1="${x0}" x2="${x0}" y1="${box.top}" y2="${box.top + box.height}" stroke="${MARKER_COLOR}" stroke-width="1.5" stroke-dasharray="4 3"/>`,
      `<text x="${r2(x0 + 3)}" y="${ly}" fill="${MARKER_COLOR}" font-size="10">${esc(clip(m.kind, 18))}</text>`,
      `</g>`,
    );
  });
  parts.push(`</g>`);
  return parts.join("");
}
