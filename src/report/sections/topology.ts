import type { RunResult, Topology } from "../../metrics/result.js";
import { renderTopologyDiagram } from "../charts/topology-diagram.js";
import { rpcOf } from "../rpc/model.js";
import { rpcTopology } from "../rpc/topology.js";
import { htmlTable, mdTable } from "../table.js";
import type { ReportSection } from "./section.js";

/**
 * The topology diagram; when the run declared none, the exchanges and queues of the summary and
 * the bindings seen while routing. An RPC run draws its queues folded into oslo's families
 * (`compute.<host> ×1000`) with the RPC roles as producers and consumers, and lists the families.
 */
export function topologySection(r: RunResult): ReportSection {
  const rpc = rpcTopology(r);
  if (rpc !== null) return rpcTopologySection(r, rpc);
  const t = r.topology;
  const empty = t.exchanges.length + t.queues.length + t.producers.length + t.consumers.length === 0;
  const topo: Topology = empty
    ? {
        exchanges: Object.entries(r.summary.exchanges).map(([name, s]) => ({
          name,
          type: "",
          messages: s.published,
        })),
        queues: Object.entries(r.summary.queues).map(([name, s]) => ({
          name,
          type: "",
          messages: s.counts.enqueued,
        })),
        // bindings the routing saw (the collector adds them even without a declared topology)
        bindings: t.bindings,
        producers: [],
        consumers: [],
      }
    : t;
  return {
    id: "topology",
    title: "Topology",
    charts: [
      {
        id: "topology",
        title: "Topology: producers → exchanges → queues → consumers",
        svg: renderTopologyDiagram("topology", "Topology: producers → exchanges → queues → consumers", topo),
        caption: "Counts are messages over the run: published, matched per binding, enqueued, delivered.",
      },
    ],
  };
}

function rpcTopologySection(r: RunResult, topo: Topology): ReportSection {
  const title = "Topology: producers → exchanges → queues → consumers";
  const headers = ["consumer", "queue family", "kind", "queues", "exchange", "binding key", "delivered"];
  const rows = (rpcOf(r)?.topology?.roles ?? []).flatMap((role) =>
    role.consumes.map((f) => [
      `${role.name} ×${role.processes}`,
      f.label,
      f.kind,
      f.queues.length,
      f.exchange === "" ? "(default)" : f.exchange,
      f.key,
      f.delivered,
    ]),
  );
  return {
    id: "topology",
    title: "Topology",
    charts: [
      {
        id: "topology",
        title,
        svg: renderTopologyDiagram("topology", title, topo, { edgeLabels: "auto" }),
        caption:
          "oslo.messaging queues folded by kind: the topic queue, <topic>.<host>, <topic>_fanout_<id> (one per server process), reply_<id> (one per calling process). " +
          "Producers and consumers are RPC roles (×processes). Counts are messages over the run: published, matched per binding, enqueued, delivered.",
      },
    ],
    html: `<h3>RPC consumers and their queues</h3>${htmlTable(headers, rows)}`,
    markdown: `### RPC consumers and their queues\n\n${mdTable(headers, rows)}`,
  };
}
