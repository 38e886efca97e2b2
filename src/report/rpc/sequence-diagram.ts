import { CHART_WIDTH, clip, r2, svgRoot } from "../charts/frame.js";
import { esc } from "../escape.js";
import { AXIS_COLOR, GRID_COLOR, OKABE_ITO } from "../palette.js";
import { callerOf, type RpcTraceView } from "./model.js";

const ROW = 19;
const TOP = 64;
const TIME_COL = 78;
const TIMEOUT_COLOR = "#D55E00";

interface Ev {
  readonly time: number;
  readonly kind: "request" | "start" | "finish" | "reply" | "timeout";
  readonly span: number;
}

/**
 * A UML-style sequence diagram of one flow: a lifeline per role (the root caller, then each
 * service in order of first appearance), a request arrow per RPC, an activation bar while the
 * server runs the method, a dashed reply arrow for calls (a cross for a MessagingTimeout). Rows
 * are events in time order (time is not to scale; each row shows its simulated time).
 */
export function renderSequenceDiagram(id: string, title: string, trace: RpcTraceView): string {
  const spans = trace.spans;
  const caller = callerOf(spans);
  const roles: string[] = [];
  const addRole = (r: string) => {
    if (!roles.includes(r)) roles.push(r);
  };
  for (const s of spans) {
    addRole(caller.get(s.id)!);
    addRole(s.service);
  }
  const evs: Ev[] = [];
  for (const s of spans) {
    evs.push({ time: s.published ?? s.requested, kind: "request", span: s.id });
    if (s.kind !== "fanout" && s.started !== null) evs.push({ time: s.started, kind: "start", span: s.id });
    if (s.kind !== "fanout" && s.finished !== null)
      evs.push({ time: s.finished, kind: "finish", span: s.id });
    if (s.kind === "call" && s.done !== null) {
      evs.push({ time: s.done, kind: s.outcome === "timeout" ? "timeout" : "reply", span: s.id });
    }
  }
  const order = { request: 0, start: 1, finish: 2, reply: 3, timeout: 3 } as const;
  evs.sort((a, b) => a.time - b.time || order[a.kind] - order[b.kind] || a.span - b.span);
  const width = CHART_WIDTH;
  const laneW = (width - TIME_COL - 20) / Math.max(1, roles.length);
  const xOf = (role: string) => TIME_COL + laneW * (roles.indexOf(role) + 0.5);
  const rowY = (i: number) => TOP + 34 + i * ROW;
  const height = rowY(evs.length) + 16;
  const byId = new Map(spans.map((s) => [s.id, s]));
  const parts: string[] = [];
  roles.forEach((role, i) => {
    const x = r2(xOf(role));
    parts.push(
      `<rect x="${r2(x - laneW / 2 + 4)}" y="${TOP - 8}" width="${r2(laneW - 8)}" height="20" rx="3" fill="#f4f4f4" stroke="${AXIS_COLOR}"/>`,
      `<text x="${x}" y="${TOP + 6}" text-anchor="middle" font-weight="600">${esc(clip(role, Math.floor(laneW / 7)))}</text>`,
      `<line class="lifeline" x1="${x}" y1="${TOP + 12}" x2="${x}" y2="${height - 8}" stroke="${GRID_COLOR}" stroke-width="2" data-role="${esc(role)}" data-i="${i}"/>`,
    );
  });
  const startRow = new Map<number, number>();
  evs.forEach((e, i) => {
    const y = r2(rowY(i));
    parts.push(`<text x="8" y="${y + 4}" fill="#555555">${e.time.toFixed(3)} s</text>`);
    const s = byId.get(e.span)!;
    const from = xOf(caller.get(s.id)!);
    const to = xOf(s.service);
    const color = OKABE_ITO[["call", "cast", "fanout", "notify"].indexOf(s.kind)] ?? AXIS_COLOR;
    if (e.kind === "request") {
      parts.push(arrow(from, to, y, color, ""), label((from + to) / 2, y - 4, `${s.method} (${s.kind})`));
    } else if (e.kind === "start") startRow.set(s.id, i);
    else if (e.kind === "finish") {
      const y0 = rowY(startRow.get(s.id) ?? i) - 6;
      parts.push(
        `<rect class="activation" x="${r2(to - 4)}" y="${r2(y0)}" width="8" height="${r2(y - y0 + 6)}" fill="${color}" fill-opacity="0.35" stroke="${color}"/>`,
      );
    } else if (e.kind === "reply") {
      parts.push(arrow(to, from, y, color, "5 3"), label((from + to) / 2, y - 4, "reply"));
    } else {
      parts.push(
        `<text x="${r2(from)}" y="${y + 4}" text-anchor="middle" fill="${TIMEOUT_COLOR}" font-weight="700">✕</text>`,
        label(from + 40, y - 4, "MessagingTimeout", TIMEOUT_COLOR),
      );
    }
  });
  return svgRoot(id, title, width, height, parts.join(""));
}

function arrow(x1: number, x2: number, y: number, color: string, dash: string): string {
  const dir = x2 >= x1 ? 1 : -1;
  const head = `${r2(x2)},${r2(y)} ${r2(x2 - dir * 7)},${r2(y - 4)} ${r2(x2 - dir * 7)},${r2(y + 4)}`;
  return (
    `<line class="message" x1="${r2(x1)}" y1="${r2(y)}" x2="${r2(x2 - dir * 6)}" y2="${r2(y)}" stroke="${color}" stroke-width="1.5"${dash ? ` stroke-dasharray="${dash}"` : ""}/>` +
    `<polygon points="${head}" fill="${color}"/>`
  );
}

function label(x: number, y: number, text: string, color = "#222222"): string {
  return `<text x="${r2(x)}" y="${r2(y)}" text-anchor="middle" fill="${color}" font-size="10">${esc(text)}</text>`;
}
