import type { RunResult } from "../metrics/result.js";
import { renderCsvFiles } from "./csv.js";
import { renderHtml } from "./html.js";
import { renderMarkdown } from "./markdown.js";
import { RPC_SECTIONS } from "./rpc/sections.js";
import { consumersSection } from "./sections/consumers.js";
import { fatesSection } from "./sections/fates.js";
import { latencySection } from "./sections/latency.js";
import { markersSection } from "./sections/markers.js";
import { queuesSection } from "./sections/queues.js";
import { ratesSection } from "./sections/rates.js";
import type { ReportSection, SectionRenderer } from "./sections/section.js";
import { sloSection } from "./sections/slo.js";
import { topologySection } from "./sections/topology.js";

/** The sections of every report, in page order. */
export const DEFAULT_SECTIONS: readonly SectionRenderer[] = [
  sloSection,
  topologySection,
  ratesSection,
  queuesSection,
  latencySection,
  consumersSection,
  fatesSection,
  markersSection,
  ...RPC_SECTIONS,
];

export interface RenderOptions {
  /** Replace the default sections. */
  readonly sections?: readonly SectionRenderer[];
  /** Sections appended after the defaults (RPC, sweeps ...). */
  readonly extraSections?: readonly SectionRenderer[];
}

/**
 * RunResult -> report files by relative path: index.html, summary.md, charts/<id>.svg, *.csv.
 * A pure function: no file system, same result -> same bytes. The caller (the CLI) writes the
 * files, and result.json next to them.
 */
export function renderReport(
  result: RunResult,
  options: RenderOptions = {},
): { files: Record<string, string> } {
  const renderers = [...(options.sections ?? DEFAULT_SECTIONS), ...(options.extraSections ?? [])];
  const sections: ReportSection[] = [];
  const ids = new Set<string>();
  for (const render of renderers) {
    const s = render(result);
    if (!s) continue;
    for (const c of s.charts) {
      if (ids.has(c.id)) throw new Error(`renderReport: two charts with id "${c.id}"`);
      ids.add(c.id);
    }
    sections.push(s);
  }
  const files: Record<string, string> = {};
  files["index.html"] = renderHtml(result, sections);
  files["summary.md"] = renderMarkdown(result, sections);
  for (const s of sections) {
    for (const c of s.charts)
      files[`charts/${c.id}.svg`] = `<?xml version="1.0" encoding="UTF-8"?>\n${c.svg}\n`;
    if (s.files) Object.assign(files, s.files);
  }
  Object.assign(files, renderCsvFiles(result));
  return { files };
}
