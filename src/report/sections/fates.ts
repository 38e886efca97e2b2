import type { FateCounts, RunResult } from "../../metrics/result.js";
import { renderBarChart } from "../charts/bar-chart.js";
import { esc } from "../escape.js";
import { OKABE_ITO } from "../palette.js";
import { htmlTable, mdTable } from "../table.js";
import type { ReportSection } from "./section.js";
import { byRank } from "./top-series.js";

/** Queue rows in the HTML fates table; summary.md has every queue. */
const HTML_ROWS = 40;

/** How a fate reads: consumed (good), still in the system, or dropped / lost (bad). */
type Fate = keyof FateCounts;
const FATE_CLASS: Record<Fate, "consumed" | "in system" | "dropped or lost" | "dead-lettered"> = {
  acked: "consumed",
  "auto-acked": "consumed",
  "unroutable-dropped": "dropped or lost",
  returned: "dropped or lost",
  expired: "dropped or lost",
  "overflow-dropped": "dropped or lost",
  "rejected-dropped": "dropped or lost",
  "dead-lettered": "dead-lettered",
  lost: "dropped or lost",
  queued: "in system",
  "in-flight": "in system",
};
const CLASS_COLOR = {
  consumed: OKABE_ITO[2],
  "in system": OKABE_ITO[0],
  "dead-lettered": OKABE_ITO[1],
  "dropped or lost": OKABE_ITO[5],
} as const;

/** Message fates (DESIGN.md "Message fates"): totals, per queue, loss causes, conservation. */
export function fatesSection(r: RunResult): ReportSection {
  const f = r.fates;
  // the result lists fates in src/amqp/fate.ts order; the report imports only the result type
  const FATES = Object.keys(f.total) as Fate[];
  const bars = FATES.map((fate) => ({
    label: fate,
    value: f.total[fate],
    color: CLASS_COLOR[FATE_CLASS[fate] ?? "in system"],
  }));
  const legendItems = Object.entries(CLASS_COLOR).map(([label, color]) => ({
    label,
    color,
    kind: "rect" as const,
  }));
  const charts = [
    {
      id: "fates",
      title: "Message fates (copies)",
      svg: renderBarChart("fates", "Message fates (copies)", bars, "message copies", legendItems),
      caption: "A copy is one message in one queue; a dead-lettered copy starts new copies.",
    },
  ];
  const nonZero = FATES.filter((fate) => f.total[fate] > 0 || fate === "acked");
  const headers = ["queue", ...nonZero];
  // queues with the most copies not consumed first (dropped, lost, still queued ...), then the busiest
  const notConsumed = (c: FateCounts) =>
    FATES.reduce((a, k) => a + (FATE_CLASS[k] === "consumed" ? 0 : c[k]), 0);
  const all = (c: FateCounts) => FATES.reduce((a, k) => a + c[k], 0);
  const queues = byRank(Object.keys(f.queues), (q) => [notConsumed(f.queues[q]!), all(f.queues[q]!)]);
  const queueRows = queues.map((q) => [q, ...nonZero.map((fate) => f.queues[q]![fate])]);
  const tail = [
    ["(no queue)", ...nonZero.map((fate) => f.unqueued[fate])],
    ["total", ...nonZero.map((fate) => f.total[fate])],
  ];
  const rows = [...queueRows, ...tail];
  const htmlRows = [...queueRows.slice(0, HTML_ROWS), ...tail];
  const more =
    queueRows.length > HTML_ROWS
      ? `<p class="note">${HTML_ROWS} of ${queueRows.length} queues (most copies not consumed first); every queue is in summary.md.</p>`
      : "";
  const causes = Object.entries(f.lostByCause).filter(([, n]) => n > 0);
  const facts: [string, string | number][] = [
    ["messages published", f.published],
    ["copies accounted for", f.copies],
    ["lost after being confirmed", f.confirmedLost],
    ["duplicated deliveries (copies delivered more than once)", f.duplicates],
    ["redeliveries", f.redelivered],
    ...causes.map(([c, n]): [string, number] => [`lost: ${c}`, n]),
  ];
  const conservation = f.conserved
    ? `<p class="ok">Every copy has exactly one fate.</p>`
    : `<p class="bad">Fate accounting does not balance: the model lost track of a copy (a bug).</p>`;
  const factsHtml = `<ul class="facts">${facts.map(([k, v]) => `<li>${esc(k)}: <b>${esc(String(v))}</b></li>`).join("")}</ul>`;
  return {
    id: "fates",
    title: "Message fates",
    charts,
    html: conservation + factsHtml + htmlTable(headers, htmlRows) + more,
    markdown: [
      f.conserved ? "Every copy has exactly one fate." : "**Fate accounting does not balance (a bug).**",
      "",
      mdTable(["fact", "value"], facts),
      "",
      mdTable(headers, rows),
    ].join("\n"),
  };
}
