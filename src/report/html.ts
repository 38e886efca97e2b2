import type { RunResult } from "../metrics/result.js";
import { esc } from "./escape.js";
import { keyNumbers, runLine } from "./key-numbers.js";
import type { ReportSection } from "./sections/section.js";

/**
 * The self-contained index.html: inline CSS and SVG, no script, no network (a CSP forbids both,
 * so the page works from file:// and scenario text can never run as code).
 */
export function renderHtml(r: RunResult, sections: readonly ReportSection[]): string {
  const title = `amqpsim report: ${r.scenario.name}`;
  const cards = keyNumbers(r)
    .map(([k, v]) => `<div class="card"><div class="k">${esc(k)}</div><div class="v">${esc(v)}</div></div>`)
    .join("");
  const toc = sections.map((s) => `<a href="#${esc(s.id)}">${esc(s.title)}</a>`).join("");
  const body = sections.map(renderSection).join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="${esc(`${r.generator.name} ${r.generator.version}`)}">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${esc(r.scenario.name)}</h1>
${r.scenario.description ? `<p class="desc">${esc(r.scenario.description)}</p>` : ""}
<p class="run">${esc(runLine(r))}</p>
<div class="cards">${cards}</div>
<nav>${toc}</nav>
</header>
<main>
${body}
</main>
<footer>Rendered from result.json (format ${esc(r.format)} v${r.version}). Durations in seconds, rates per second, sizes in bytes.</footer>
</body>
</html>
`;
}

function renderSection(s: ReportSection): string {
  const charts = s.charts
    .map(
      (c) =>
        `<figure class="chart" id="chart-${esc(c.id)}">${c.svg}<figcaption><a href="charts/${esc(c.id)}.svg">${esc(c.title)}</a>${c.caption ? ` · ${esc(c.caption)}` : ""}</figcaption></figure>`,
    )
    .join("\n");
  return `<section id="${esc(s.id)}">
<h2>${esc(s.title)}</h2>
${s.intro ?? ""}
<div class="charts">${charts}</div>
${s.html ? `<div class="tables">${s.html}</div>` : ""}
</section>`;
}

const CSS = `
:root { color-scheme: light; --fg:#1a1a1a; --muted:#555; --line:#ddd; --bg:#fafafa; }
* { box-sizing: border-box; }
body { margin:0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color:var(--fg); background:var(--bg); }
header { padding: 20px 28px 8px; background:#fff; border-bottom:1px solid var(--line); }
h1 { margin:0 0 4px; font-size:24px; overflow-wrap:anywhere; }
h2 { margin: 28px 0 12px; font-size:19px; border-bottom:1px solid var(--line); padding-bottom:4px; }
.desc { margin:4px 0; max-width: 90ch; }
.run { margin:4px 0 12px; color:var(--muted); font-size:13px; overflow-wrap:anywhere; }
.cards { display:flex; flex-wrap:wrap; gap:10px; margin: 8px 0 12px; }
.card { background:#f3f6fa; border:1px solid #d9e2ec; border-radius:6px; padding:8px 12px; min-width:130px; }
.card .k { font-size:12px; color:var(--muted); }
.card .v { font-size:16px; font-weight:600; }
nav { display:flex; flex-wrap:wrap; gap:14px; padding:6px 0 10px; font-size:13px; }
nav a { color:#0b5cad; text-decoration:none; }
main { padding: 0 28px 28px; }
.charts { display:flex; flex-wrap:wrap; gap:16px; }
figure.chart { margin:0; background:#fff; border:1px solid var(--line); border-radius:6px; padding:6px; max-width:100%; }
figure.chart svg { display:block; max-width:100%; height:auto; }
figcaption { font-size:12px; color:var(--muted); padding:4px 6px 2px; max-width:720px; }
figcaption a { color:#0b5cad; }
.tables { overflow-x:auto; margin-top:12px; }
table.data { border-collapse:collapse; background:#fff; font-size:13px; margin: 8px 0; }
table.data th, table.data td { border:1px solid var(--line); padding:3px 8px; text-align:left; overflow-wrap:anywhere; }
table.data th { background:#f0f0f0; font-weight:600; }
table.data td.num, table.data th.num { text-align:right; font-variant-numeric: tabular-nums; }
.ok { color:#00734d; font-weight:600; }
.bad { color:#b33900; font-weight:600; }
ul.facts { margin: 6px 0; padding-left: 20px; }
.note { color:var(--muted); font-size:13px; margin: 4px 0; }
/* narrated traces: long lines wrap instead of running off the page */
pre.trace { white-space:pre-wrap; overflow-wrap:anywhere; font-size:12px; background:#fff; border:1px solid var(--line); padding:8px; max-width:1200px; }
footer { padding: 12px 28px 24px; color:var(--muted); font-size:12px; }
`;
