import type { Topology } from "../../metrics/result.js";
import { esc } from "../escape.js";
import { formatCount } from "../format.js";
import { OKABE_ITO } from "../palette.js";
import { clip, r2, svgRoot } from "./frame.js";

/**
 * The topology as four columns, left to right: producers → exchanges → queues → consumers.
 * Edges: producer → its exchange (messages published), binding exchange → queue or exchange →
 * exchange (binding key, times matched), queue → consumer group (deliveries). Each node shows its
 * message count. Columns longer than MAX_ROWS show the busiest nodes and a "+ N more" row.
 */
const MAX_ROWS = 16;
const NODE_W = 160;
/** Horizontal gap between columns: room for an edge label "binding.key · 1.2k". */
const COL_GAP = 150;
const NODE_H = 34;
const ROW_GAP = 12;

type Kind = "producer" | "exchange" | "queue" | "consumer";
const KIND_COLOR: Record<Kind, string> = {
  producer: OKABE_ITO[2],
  exchange: OKABE_ITO[1],
  queue: OKABE_ITO[0],
  consumer: OKABE_ITO[3],
};

interface Node {
  readonly key: string;
  readonly kind: Kind;
  readonly name: string;
  readonly sub: string;
  readonly count: number;
}

interface Edge {
  readonly from: string;
  readonly to: string;
  readonly label: string;
  readonly count: number;
  /** Seen while routing, not declared (the default exchange's per-queue binding ...). */
  readonly implicit?: boolean;
}

export interface TopologyDiagramOptions {
  /**
   * Where edge labels sit: "end" (default), just before the arrow head; "auto", there too unless
   * several edges end on the node (RPC roles publishing to one exchange), whose end labels would
   * print over each other: those sit at the middle of their curve.
   */
  readonly edgeLabels?: "end" | "auto";
}

export function renderTopologyDiagram(
  id: string,
  title: string,
  t: Topology,
  options: TopologyDiagramOptions = {},
): string {
  const auto = options.edgeLabels === "auto";
  const cols: Node[][] = [[], [], [], []];
  const hidden = [0, 0, 0, 0];
  const add = (col: number, nodes: Node[]): void => {
    // entries of one name are one node (an RPC role consuming several queues), counts summed
    const merged = new Map<string, Node>();
    for (const n of nodes) {
      const m = merged.get(n.key);
      merged.set(n.key, m === undefined ? n : { ...m, count: m.count + n.count });
    }
    const sorted = [...merged.values()].sort(
      (a, b) => b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
    );
    cols[col] = sorted.slice(0, MAX_ROWS);
    hidden[col] = Math.max(0, sorted.length - MAX_ROWS);
  };
  add(
    0,
    t.producers.map((p) => ({
      key: `p:${p.name}`,
      kind: "producer",
      name: p.name,
      sub: `×${p.count}${p.rate ? ` @ ${p.rate}` : ""}`,
      count: p.messages ?? 0,
    })),
  );
  add(
    1,
    t.exchanges.map((e) => ({
      key: `e:${e.name}`,
      kind: "exchange",
      name: e.name === "" ? "(default)" : e.name,
      sub: e.type,
      count: e.messages ?? 0,
    })),
  );
  add(
    2,
    t.queues.map((q) => ({
      key: `q:${q.name}`,
      kind: "queue",
      name: q.name,
      sub: q.type,
      count: q.messages ?? 0,
    })),
  );
  add(
    3,
    t.consumers.map((c) => ({
      key: `c:${c.name}`,
      kind: "consumer",
      name: c.name,
      sub: `×${c.count}${c.prefetch !== undefined ? ` prefetch ${c.prefetch}` : ""}${c.autoAck ? " auto-ack" : ""}`,
      count: c.messages ?? 0,
    })),
  );

  const edges: Edge[] = [
    ...t.producers.map((p) => ({
      from: `p:${p.name}`,
      to: `e:${p.exchange}`,
      label: "",
      count: p.messages ?? 0,
    })),
    ...t.bindings.map((b) => ({
      from: `e:${b.source}`,
      to: `${b.destinationKind === "queue" ? "q" : "e"}:${b.destination}`,
      label: b.key,
      count: b.messages ?? 0,
      implicit: b.implicit === true,
    })),
    ...t.consumers.map((c) => ({
      from: `q:${c.queue}`,
      to: `c:${c.name}`,
      label: "",
      count: c.messages ?? 0,
    })),
  ];

  const width = 24 + 4 * NODE_W + 3 * COL_GAP + 40;
  const colX = [0, 1, 2, 3].map((i) => 12 + i * (NODE_W + COL_GAP));
  const top = 58;
  const rows = Math.max(1, ...cols.map((c, i) => c.length + (hidden[i]! > 0 ? 1 : 0)));
  const height = top + rows * (NODE_H + ROW_GAP) + 16;
  const pos = new Map<string, { x: number; y: number }>();
  cols.forEach((c, ci) => {
    c.forEach((n, ri) => {
      pos.set(n.key, { x: colX[ci]!, y: top + ri * (NODE_H + ROW_GAP) });
    });
  });

  const parts: string[] = [];
  const heads = ["producers", "exchanges", "queues", "consumers"];
  heads.forEach((h, i) => {
    parts.push(
      `<text x="${r2(colX[i]! + NODE_W / 2)}" y="46" text-anchor="middle" fill="#444444" font-weight="600">${h}</text>`,
    );
  });
  if (cols.every((c) => c.length === 0)) {
    parts.push(
      `<text x="${width / 2}" y="${top + 20}" text-anchor="middle" fill="#777777" font-size="13">no topology recorded</text>`,
    );
  }

  const incoming = new Map<string, number>();
  if (auto) for (const e of edges) incoming.set(e.to, (incoming.get(e.to) ?? 0) + 1);
  parts.push(`<g class="edges">`);
  for (const e of edges) {
    const a = pos.get(e.from);
    const b = pos.get(e.to);
    if (!a || !b) continue;
    const sameCol = a.x === b.x;
    const x1 = a.x + NODE_W;
    const y1 = a.y + NODE_H / 2;
    const x2 = sameCol ? b.x + NODE_W : b.x;
    const y2 = b.y + NODE_H / 2;
    // exchange-to-exchange bindings in one column loop out to the right
    const d = sameCol
      ? `M${x1},${y1} C${x1 + 40},${y1} ${x2 + 40},${y2} ${x2},${y2}`
      : `M${x1},${y1} C${r2((x1 + x2) / 2)},${y1} ${r2((x1 + x2) / 2)},${y2} ${x2},${y2}`;
    const w = e.count > 0 ? 1.5 : 1;
    const label = e.label ? `${clip(e.label, 18)} · ${formatCount(e.count)}` : formatCount(e.count);
    // labels sit just before the arrow head: edges fanning out of one node end on different rows
    const middle = auto && incoming.get(e.to)! > 1;
    const lx = sameCol ? x1 + 44 : middle ? r2((x1 + x2) / 2) : x2 - 8;
    const ly = sameCol ? r2((y1 + y2) / 2 + 4) : middle ? r2((y1 + y2) / 2 - 3) : y2 - 5;
    const anchor = sameCol ? "start" : middle ? "middle" : "end";
    parts.push(
      `<g class="edge"><title>${esc(`${e.from.slice(2)} → ${e.to.slice(2)}${e.label ? ` (key "${e.label}")` : ""}${e.implicit ? ", implicit binding" : ""}: ${e.count} messages`)}</title>` +
        `<path d="${d}" fill="none" stroke="#8a8a8a" stroke-width="${w}"${e.count > 0 ? "" : ` stroke-dasharray="3 3"`} marker-end="url(#${esc(id)}-arrow)"/>` +
        `<text x="${lx}" y="${ly}" text-anchor="${anchor}" fill="#333333" font-size="10" paint-order="stroke" stroke="#ffffff" stroke-width="3">${esc(label)}</text></g>`,
    );
  }
  parts.push(`</g>`);

  parts.push(`<g class="nodes">`);
  cols.forEach((c, ci) => {
    for (const n of c) {
      const p = pos.get(n.key)!;
      const color = KIND_COLOR[n.kind];
      parts.push(
        `<g class="node" data-kind="${n.kind}"><title>${esc(`${n.kind} ${n.name} (${n.sub}): ${n.count} messages`)}</title>` +
          `<rect x="${r2(p.x)}" y="${p.y}" width="${NODE_W}" height="${NODE_H}" rx="${n.kind === "queue" ? 3 : 10}" fill="#ffffff" stroke="${color}" stroke-width="2"/>` +
          `<text x="${r2(p.x + 8)}" y="${p.y + 14}" fill="#111111" font-weight="600">${esc(clip(n.name, 22))}</text>` +
          `<text x="${r2(p.x + 8)}" y="${p.y + 27}" fill="#555555" font-size="10">${esc(clip(`${n.sub ? `${n.sub} · ` : ""}${formatCount(n.count)} msgs`, 28))}</text></g>`,
      );
    }
    if (hidden[ci]! > 0) {
      const y = top + c.length * (NODE_H + ROW_GAP) + 14;
      parts.push(`<text x="${r2(colX[ci]! + 8)}" y="${y}" fill="#555555">+ ${hidden[ci]} more</text>`);
    }
  });
  parts.push(`</g>`);

  const defs =
    `<defs><marker id="${esc(id)}-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">` +
    `<path d="M0,0 L10,5 L0,10 z" fill="#8a8a8a"/></marker></defs>`;
  return svgRoot(id, title, width, height, defs + parts.join(""));
}
