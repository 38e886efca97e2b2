import type { JsonValue, RunResult } from "../../metrics/result.js";
import { esc } from "../escape.js";
import { htmlTable, mdTable } from "../table.js";
import type { ReportSection } from "./section.js";

interface Clause {
  clause: string;
  path: string;
  op: string;
  threshold: number;
  actual: number | null;
  pass: boolean;
}

/**
 * The SLO check (`slo` in result.json, written by src/metrics/slo.ts): each clause with the
 * run's value and whether it held. Read defensively: the report imports only the result type.
 */
export function sloSection(r: RunResult): ReportSection | null {
  const slo = r.slo;
  if (!slo || !Array.isArray(slo.clauses)) return null;
  const clauses = (slo.clauses as readonly JsonValue[]).filter(isClause);
  const pass = slo.pass === true;
  const headers = ["clause", "summary path", "value", "threshold", "result"];
  const rows = clauses.map((c) => [
    c.clause,
    c.path,
    c.actual === null ? "not a number in the summary" : String(c.actual),
    `${c.op} ${c.threshold}`,
    c.pass ? "met" : "MISSED",
  ]);
  const verdict = pass ? `<p class="ok">SLO met.</p>` : `<p class="bad">SLO missed.</p>`;
  return {
    id: "slo",
    title: "Service level objective",
    intro: `${verdict}<p class="note">${esc(typeof slo.slo === "string" ? slo.slo : "")} (values in result.json units: seconds, per second, bytes)</p>`,
    charts: [],
    html: htmlTable(headers, rows),
    markdown: `${pass ? "SLO met." : "**SLO missed.**"}\n\n${mdTable(headers, rows)}`,
  };
}

function isClause(v: JsonValue): v is JsonValue & Clause {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const o = v as { readonly [k: string]: JsonValue };
  return (
    typeof o.clause === "string" &&
    typeof o.path === "string" &&
    typeof o.op === "string" &&
    typeof o.threshold === "number" &&
    (typeof o.actual === "number" || o.actual === null) &&
    typeof o.pass === "boolean"
  );
}
