import type { RunResult } from "../../metrics/result.js";
import { formatSeconds } from "../format.js";
import { htmlTable, mdTable } from "../table.js";
import type { ReportSection } from "./section.js";

/** The fault / event list (the same markers are drawn on every time axis). */
export function markersSection(r: RunResult): ReportSection | null {
  if (r.markers.length === 0) return null;
  const headers = ["time", "kind", "event", "until"];
  const rows = r.markers.map((m) => [
    formatSeconds(m.time),
    m.kind,
    m.label,
    m.until !== undefined ? formatSeconds(m.until) : "",
  ]);
  return {
    id: "events",
    title: "Faults and events",
    charts: [],
    html: htmlTable(headers, rows),
    markdown: mdTable(headers, rows),
  };
}
