import { esc, escMd } from "./escape.js";

/** A table cell: plain text (escaped when rendered). Numbers are right-aligned. */
export type Cell = string | number;

/** An HTML table; cells are escaped; numeric columns right-aligned. */
export function htmlTable(
  headers: readonly string[],
  rows: readonly (readonly Cell[])[],
  cls = "data",
): string {
  const numeric = numericColumns(headers, rows);
  const th = headers.map((h, c) => `<th${numeric[c] ? ' class="num"' : ""}>${esc(h)}</th>`).join("");
  const body = rows
    .map(
      (r) =>
        `<tr>${r.map((v, c) => `<td${numeric[c] ? ' class="num"' : ""}>${esc(String(v))}</td>`).join("")}</tr>`,
    )
    .join("");
  return `<table class="${cls}"><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}

/** A GitHub-flavoured Markdown table; cells escaped for Markdown and HTML; numeric columns right-aligned. */
export function mdTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const numeric = numericColumns(headers, rows);
  const line = (cells: readonly string[]): string => `| ${cells.join(" | ")} |`;
  return [
    line(headers.map(escMd)),
    line(headers.map((_, c) => (numeric[c] ? "---:" : "---"))),
    ...rows.map((r) => line(r.map((v) => escMd(String(v))))),
  ].join("\n");
}

/** Columns whose cells are all numbers or formatted quantities ("1.5k", "12ms", "50/s", "—"). */
function numericColumns(headers: readonly string[], rows: readonly (readonly Cell[])[]): boolean[] {
  return headers.map(
    (_, c) =>
      rows.length > 0 &&
      rows.every((r) => typeof r[c] === "number" || /^(—|[-+]?[\d.,]+[a-zµ%/]*)$/i.test(String(r[c]))),
  );
}
