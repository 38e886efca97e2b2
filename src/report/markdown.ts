import type { RunResult } from "../metrics/result.js";
import { escMd } from "./escape.js";
import { keyNumbers, runLine } from "./key-numbers.js";
import type { ReportSection } from "./sections/section.js";
import { mdTable } from "./table.js";

/** summary.md: key numbers and each section's tables, with links to the charts/*.svg files. */
export function renderMarkdown(r: RunResult, sections: readonly ReportSection[]): string {
  const out: string[] = [
    `# amqpsim report: ${escMd(r.scenario.name)}`,
    "",
    ...(r.scenario.description ? [escMd(r.scenario.description), ""] : []),
    escMd(runLine(r)),
    "",
    mdTable(["", "value"], keyNumbers(r)),
    "",
    "Full report with charts: [index.html](index.html); data: [result.json](result.json).",
  ];
  for (const s of sections) {
    out.push("", `## ${escMd(s.title)}`, "");
    if (s.charts.length > 0) {
      out.push(s.charts.map((c) => `- [${escMd(c.title)}](charts/${c.id}.svg)`).join("\n"), "");
    }
    if (s.markdown) out.push(s.markdown);
  }
  return `${out
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trimEnd()}\n`;
}
