import { beforeAll, describe, expect, it } from "vitest";
import type { RunResult, Topology } from "../../src/metrics/result.js";
import { renderTopologyDiagram } from "../../src/report/charts/topology-diagram.js";
import { renderReport } from "../../src/report/render.js";
import { rpcOf } from "../../src/report/rpc/model.js";
import { rpcTopology } from "../../src/report/rpc/topology.js";
import { consumersSection } from "../../src/report/sections/consumers.js";
import { topologySection } from "../../src/report/sections/topology.js";
import { loadScenarioFile, runScenario } from "../../src/scenario/index.js";
import { syntheticResult } from "./fixture.js";

/** 300 computes for 20 s: enough hosts that a box per queue would be unreadable. */
let nova: RunResult;
beforeAll(() => {
  nova = runScenario(
    loadScenarioFile("scenarios/openstack/nova-vm-boot.yaml", {
      sets: ["rpc.services.compute.hosts=300", "duration=20s"],
    }),
  );
});

const nodes = (svg: string, kind: string): string[] =>
  [...svg.matchAll(new RegExp(`data-kind="${kind}"><title>([^<]*)</title>`, "g"))].map((m) => m[1]!);

describe("RPC topology in the report", () => {
  it("draws oslo's per-host and per-process queues as one box per family, not one per host", () => {
    const svg = topologySection(nova).charts[0]!.svg;
    const queues = nodes(svg, "queue");
    expect(queues.some((q) => q.startsWith("queue compute.&lt;host&gt; (×300)"))).toBe(true);
    expect(queues.some((q) => q.startsWith("queue compute_fanout_&lt;id&gt; (×300)"))).toBe(true);
    // reply queues only of the computes that made a call in 20 s
    expect(queues.some((q) => /^queue reply_&lt;compute id&gt; \(×\d+\)/.test(q))).toBe(true);
    expect(queues.some((q) => /compute\.compute-\d/.test(q))).toBe(false);
    expect(svg).not.toContain("more</text>");
  });

  it("shows each RPC service once as a consumer fed by its topic, host and fanout queues", () => {
    const svg = topologySection(nova).charts[0]!.svg;
    const consumers = nodes(svg, "consumer");
    expect(consumers.map((c) => c.split(" ")[1])).toEqual(
      expect.arrayContaining(["conductor", "scheduler", "compute"]),
    );
    expect(consumers.filter((c) => c.startsWith("consumer compute ")).length).toBe(1);
    expect(consumers.find((c) => c.startsWith("consumer compute "))).toContain("×300");
    const t = rpcTopology(nova)!;
    expect(
      t.consumers
        .filter((c) => c.name === "compute")
        .map((c) => c.queue)
        .sort(),
    ).toEqual(["compute", "compute.<host>", "compute_fanout_<id>", "reply_<compute id>"]);
    // the conductor's topic queue delivered every conductor request that was answered, at most all requested
    const delivered = t.consumers.find((c) => c.name === "conductor" && c.queue === "conductor")!.messages!;
    const methods = Object.entries(rpcOf(nova)!.methods).filter(([k]) => k.startsWith("conductor."));
    const answered = methods.reduce((a, [, m]) => a + m.ok + m.failed, 0);
    expect(answered).toBeGreaterThan(0);
    expect(delivered).toBeGreaterThanOrEqual(answered);
    expect(delivered).toBeLessThanOrEqual(methods.reduce((a, [, m]) => a + m.requests, 0));
  });

  it("folded queue counts add up to the broker's per-queue enqueue counts", () => {
    const t = rpcTopology(nova)!;
    const total = Object.values(nova.summary.queues).reduce((a, q) => a + q.counts.enqueued, 0);
    expect(t.queues.reduce((a, q) => a + (q.messages ?? 0), 0)).toBe(total);
  });

  it("lists every RPC queue family in a table under the diagram", () => {
    const s = topologySection(nova);
    expect(s.html).toContain('<td>compute.&lt;host&gt;</td><td>server</td><td class="num">300</td>');
    expect(s.markdown).toContain("| compute ×300 | compute\\_fanout\\_&lt;id&gt; | fanout | 300 |");
  });

  it("a run without rpc keeps the plain topology and consumer sections", () => {
    const r = syntheticResult();
    expect(rpcTopology(r)).toBeNull();
    expect(consumersSection(r).charts.map((c) => c.id)).toEqual(["consumer-utilisation"]);
  });
});

describe("RPC executor utilisation in the report", () => {
  it("charts busy executor threads per service and the backlog waiting for a thread", () => {
    const s = consumersSection(nova);
    expect(s.charts.map((c) => c.id)).toEqual(["rpc-executor-utilisation", "rpc-executor-backlog"]);
    const svg = s.charts[0]!.svg;
    for (const name of ["compute", "conductor", "scheduler"]) expect(svg).toContain(`>${name}</text>`);
    expect(svg).not.toContain("no RPC server ran");
    expect(s.html).toContain('<td>compute</td><td class="num">300</td><td class="num">19200</td>');
    const files = renderReport(nova).files;
    expect(files["charts/rpc-executor-backlog.svg"]).toContain("requests waiting");
    const csv = files["rpc-executors.csv"]!.trimEnd().split("\n");
    expect(csv[0]).toBe(
      "time_s,compute utilisation,compute backlog_mean,compute backlog_max,conductor utilisation,conductor backlog_mean,conductor backlog_max,scheduler utilisation,scheduler backlog_mean,scheduler backlog_max",
    );
    expect(csv).toHaveLength(1 + nova.timeSeries.time.length);
  });
});

describe("RPC results written before the executor and topology views", () => {
  it("render with the plain topology and consumer sections", () => {
    const rpc = { ...(nova.rpc as Record<string, unknown>) };
    delete rpc.executors;
    delete rpc.topology;
    const old = { ...nova, rpc } as RunResult;
    expect(rpcTopology(old)).toBeNull();
    expect(consumersSection(old).charts.map((c) => c.id)).toEqual(["consumer-utilisation"]);
    expect(topologySection(old).html).toBeUndefined();
  });
});

describe("topology diagram", () => {
  const topo: Topology = {
    exchanges: [{ name: "nova", type: "topic", messages: 5 }],
    queues: [
      { name: "a", type: "", messages: 2 },
      { name: "b", type: "", messages: 3 },
    ],
    bindings: [
      { source: "nova", destination: "a", destinationKind: "queue", key: "a", messages: 2 },
      { source: "nova", destination: "b", destinationKind: "queue", key: "b", messages: 3 },
    ],
    producers: [],
    consumers: [
      { name: "svc", queue: "a", count: 2, messages: 2 },
      { name: "svc", queue: "b", count: 2, messages: 3 },
    ],
  };

  it("draws entries of one consumer name as one node with an edge from each queue, counts summed", () => {
    const svg = renderTopologyDiagram("t", "t", topo);
    expect(nodes(svg, "consumer")).toEqual(["consumer svc (×2): 5 messages"]);
    expect(svg).toContain("<title>a → svc: 2 messages</title>");
    expect(svg).toContain("<title>b → svc: 3 messages</title>");
  });

  it("with edgeLabels 'auto', labels of edges converging on one node sit mid-curve, others at the arrow", () => {
    const end = renderTopologyDiagram("t", "t", topo);
    const auto = renderTopologyDiagram("t", "t", topo, { edgeLabels: "auto" });
    const anchors = (svg: string) =>
      [...svg.matchAll(/text-anchor="(middle|end)" fill="#333333" font-size="10"/g)].map((m) => m[1]);
    // two bindings (one each into a and b), then two consumer edges into svc
    expect(anchors(end)).toEqual(["end", "end", "end", "end"]);
    expect(anchors(auto)).toEqual(["end", "end", "middle", "middle"]);
  });
});
