import type { RunResult } from "../../metrics/result.js";
import { esc, slug } from "../escape.js";
import type { ReportChart, ReportSection } from "../sections/section.js";
import { type RpcTraceView, rpcOf } from "./model.js";
import { renderSequenceDiagram } from "./sequence-diagram.js";
import { renderWaterfall } from "./waterfall.js";

/** The traced flows: a sequence diagram of the narrated flow, waterfalls of the slowest, median and first. */
export function rpcFlowsSection(r: RunResult): ReportSection | null {
  const rpc = rpcOf(r);
  if (rpc === null || rpc.traces.length === 0) return null;
  const charts: ReportChart[] = [];
  const byName = new Map(rpc.traces.map((t) => [t.flow, t]));
  const narrated = (rpc.narrative && byName.get(rpc.narrative.flow)) || rpc.traces[0]!;
  charts.push({
    id: `rpc-sequence-${slug(narrated.flow)}`,
    title: `Sequence diagram of ${narrated.flow}`,
    svg: renderSequenceDiagram(
      `rpc-sequence-${slug(narrated.flow)}`,
      `Sequence diagram of ${narrated.flow}`,
      narrated,
    ),
    caption: `${narrated.flow} took ${narrated.latency.toFixed(3)} s end to end. Rows are events in time order (not to scale).`,
  });
  const picks: [string, RpcTraceView | undefined][] = [
    ["slowest", rpc.traces.find((t) => t.tags.includes("slowest"))],
    ["median", rpc.traces.find((t) => t.tags.includes("median"))],
    ["chosen", narrated],
  ];
  const seen = new Set<string>();
  for (const [why, t] of picks) {
    if (t === undefined || seen.has(t.flow)) continue;
    seen.add(t.flow);
    const id = `rpc-waterfall-${slug(t.flow)}`;
    const title = `Latency waterfall of ${t.flow} (${why}: ${t.latency.toFixed(3)} s)`;
    charts.push({ id, title, svg: renderWaterfall(id, title, t), caption: `Tags: ${t.tags.join(", ")}.` });
  }
  const lines = rpc.narrative?.lines ?? [];
  const pre = lines.map((l) => `${l.time.toFixed(6).padStart(12)} s  ${l.text}`).join("\n");
  return {
    id: "rpc-flows",
    title: "RPC flows: sequence and waterfalls",
    charts,
    html:
      lines.length > 0
        ? `<h3>Narrated trace of ${esc(rpc.narrative!.flow)}</h3><p>The same text as <code>amqpsim trace FILE --flow ${esc(rpc.narrative!.flow)}</code>.</p><pre class="trace">${esc(pre)}</pre>`
        : "",
    markdown: `Traced flows kept: ${rpc.traces.map((t) => `${t.flow} (${t.tags.join(", ")}, ${t.latency.toFixed(3)} s)`).join("; ")}.`,
  };
}
