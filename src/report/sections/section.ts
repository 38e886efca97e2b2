import type { RunResult } from "../../metrics/result.js";

/** One chart: its SVG is both inlined in index.html and written as charts/<id>.svg. */
export interface ReportChart {
  /** File-name-safe, unique in the report: charts/<id>.svg. */
  readonly id: string;
  readonly title: string;
  readonly svg: string;
  /** One sentence under the chart (plain text; escaped when rendered). */
  readonly caption?: string;
}

/**
 * A part of the report. The page is the concatenation of sections, so later issues add theirs
 * (RPC spans, sequence diagrams, waterfalls, sweeps) by passing more SectionRenderers to
 * renderReport instead of editing the page.
 */
export interface ReportSection {
  readonly id: string;
  readonly title: string;
  /** HTML before the charts (already escaped). */
  readonly intro?: string;
  readonly charts: readonly ReportChart[];
  /** HTML after the charts, e.g. tables (already escaped). */
  readonly html?: string;
  /** The section's body in summary.md (tables; chart links are added by the renderer). */
  readonly markdown?: string;
  /** Extra files (CSV, ...) by path relative to the report folder. */
  readonly files?: { readonly [path: string]: string };
}

/** Returns null when the result has nothing for the section (e.g. no `rpc`). */
export type SectionRenderer = (result: RunResult) => ReportSection | null;
