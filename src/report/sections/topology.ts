import type { RunResult, Topology } from "../../metrics/result.js";
import { renderTopologyDiagram } from "../charts/topology-diagram.js";
import type { ReportSection } from "./section.js";

/**
 * The topology diagram; when the run declared none, the exchanges and queues of the summary and
 * the bindings seen while routing.
 */
export function topologySection(r: RunResult): ReportSection {
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
