import type { RunResult } from "../metrics/result.js";
import { applicationLatencySection } from "./app-latency-section.js";
import { writeFolderAtomic } from "./output.js";

/**
 * Render a run's report (index.html, summary.md, charts, CSVs) plus result.json and write them
 * atomically to OUT/<scenario name>/. Shared by `run` and `report`, so a re-rendered report is
 * byte-identical to the first. Returns the folder written.
 */
export async function writeRunReport(out: string, result: RunResult): Promise<string> {
  const [{ renderReport }, { formatResultJson }] = await Promise.all([
    import("../report/index.js"),
    import("../metrics/result-json.js"),
  ]);
  return writeFolderAtomic(out, result.scenario.name, {
    ...renderReport(result, { extraSections: [applicationLatencySection] }).files,
    "result.json": formatResultJson(result),
  });
}
