import { scaleLinear } from "d3";
import { type Box, CHART_WIDTH, clip, legend, r2, svgRoot, xAxis } from "../charts/frame.js";
import { esc } from "../escape.js";
import { OKABE_ITO } from "../palette.js";
import type { RpcSpanView, RpcTraceView } from "./model.js";

/** The phases of a span, in order, with the stamps that bound them (see src/rpc/span.ts). */
export const PHASES = [
  { name: "connection pool wait", from: "requested", to: "published" },
  { name: "broker (network, routing, queue)", from: "published", to: "delivered" },
  { name: "executor wait", from: "delivered", to: "started" },
  { name: "service (nested RPC included)", from: "started", to: "finished" },
  { name: "reply", from: "finished", to: "replyDelivered" },
  { name: "reply poll wait", from: "replyDelivered", to: "done" },
] as const satisfies readonly { name: string; from: keyof RpcSpanView; to: keyof RpcSpanView }[];

const ROW = 18;
const LABEL_W = 250;

/**
 * A latency waterfall of one flow: a row per RPC request in the order made, its bar split into
 * phases (pool wait, broker, executor wait, service, reply, poll wait) on a common time axis
 * from the flow's start.
 */
export function renderWaterfall(id: string, title: string, trace: RpcTraceView): string {
  const width = CHART_WIDTH;
  const lg = legend(
    PHASES.map((p, i) => ({ label: p.name, color: OKABE_ITO[i]!, kind: "rect" as const })),
    12,
    30,
    width - 24,
  );
  const spans = [...trace.spans].sort((a, b) => a.requested - b.requested || a.id - b.id);
  const box: Box = {
    left: LABEL_W,
    top: 34 + lg.height + 8,
    width: width - LABEL_W - 20,
    height: Math.max(1, spans.length) * ROW,
  };
  // at least 1 ms, so a flow that took no simulated time (a zero-cost broker, no network) gets a
  // readable axis instead of ticks of 2e-7 s
  const end = Math.max(trace.latency, 1e-3);
  const x = scaleLinear()
    .domain([0, end])
    .range([box.left, box.left + box.width]);
  const parts: string[] = [lg.svg];
  spans.forEach((s, i) => {
    const y = box.top + i * ROW;
    const name = `${s.service}.${s.method} (${s.kind})${s.outcome === "timeout" ? " ✕" : ""}`;
    parts.push(
      `<text x="${LABEL_W - 6}" y="${r2(y + ROW / 2 + 4)}" text-anchor="end">${esc(clip(name, 40))}</text>`,
    );
    PHASES.forEach((p, k) => {
      const a = s[p.from] as number | null;
      const b = s[p.to] as number | null;
      if (a === null || b === null || b <= a) return;
      const x0 = x(a - trace.start);
      const x1 = Math.max(x(b - trace.start), x0 + 0.5);
      parts.push(
        `<rect class="phase" data-phase="${k}" x="${r2(x0)}" y="${r2(y + 3)}" width="${r2(x1 - x0)}" height="${ROW - 6}" fill="${OKABE_ITO[k]}"><title>${esc(`${name}: ${p.name} ${(b - a).toFixed(6)} s`)}</title></rect>`,
      );
    });
  });
  parts.push(xAxis(x, box, "seconds since the flow started", (v) => String(Number(v.toPrecision(3)))));
  return svgRoot(id, title, width, box.top + box.height + 44, parts.join(""));
}
