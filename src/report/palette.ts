/**
 * Okabe & Ito's colour-blind-safe palette (Okabe, Ito 2008, "Color Universal Design"), black
 * moved last so that the first seven series get distinct hues. Series beyond eight reuse the
 * colours with a dash pattern (see seriesStyle).
 */
export const OKABE_ITO = [
  "#0072B2", // blue
  "#E69F00", // orange
  "#009E73", // bluish green
  "#CC79A7", // reddish purple
  "#56B4E9", // sky blue
  "#D55E00", // vermillion
  "#F0E442", // yellow (weak on white: used last)
  "#000000", // black
] as const;

const DASHES = ["", "6 3", "2 2", "8 3 2 3"] as const;

/** Colour and dash pattern of series i: 8 colours x 4 dash patterns before repeating. */
export function seriesStyle(i: number): { color: string; dash: string } {
  return {
    color: OKABE_ITO[i % OKABE_ITO.length]!,
    dash: DASHES[Math.floor(i / OKABE_ITO.length) % DASHES.length]!,
  };
}

/** Marker (fault / event) colour: grey, kept apart from the data colours. */
export const MARKER_COLOR = "#6b6b6b";
export const GRID_COLOR = "#e3e3e3";
export const AXIS_COLOR = "#333333";
