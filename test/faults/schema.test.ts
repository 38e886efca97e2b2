import { describe, expect, it } from "vitest";
import { DEFAULT_COSTS } from "../../src/cluster/index.js";
import { NS_PER_S } from "../../src/engine/time.js";
import { CrashNode, type DegradeLink, PartitionNodes } from "../../src/faults/index.js";
import { parseScenarioText } from "../../src/scenario/load.js";
import { ScenarioError } from "../../src/scenario/problem.js";
import { toClusterConfig } from "../../src/scenario/schema/cluster.js";
import { buildFaults } from "../../src/scenario/schema/faults.js";

const base = `name: t
duration: 10m
queues: [{ name: q }]
producers: [{ name: pub, exchange: "", routingKey: q, rate: 10/s }]
consumers: [{ name: worker, queue: q }]
`;

function problems(text: string): string[] {
  try {
    parseScenarioText(text, "s.yaml");
  } catch (e) {
    if (e instanceof ScenarioError)
      return e.problems.map((p) => `${p.line}:${p.col} ${p.path}: ${p.message}`);
    throw e;
  }
  return [];
}

describe("cluster and faults sections", () => {
  it("cluster: nodes: 3 names rabbit-1..3, fills defaults, and per-scenario cost overrides apply", () => {
    const s = parseScenarioText(
      `${base}broker: { version: "4.0" }
cluster: { nodes: 3, cores: 2, costs: { enqueue: 40us, perKiB: 1us }, disk: { bandwidth: 50MB/s } }
network: { clients: { latency: 1ms }, links: [{ between: [rabbit-1, rabbit-3], latency: 20ms, loss: 0.01 }] }
`,
      "s.yaml",
    );
    const c = toClusterConfig(s.cluster!, s.network, s.broker.version);
    expect(c.nodes).toEqual([
      { name: "rabbit-1", cores: 2 },
      { name: "rabbit-2", cores: 2 },
      { name: "rabbit-3", cores: 2 },
    ]);
    expect(c.costs.enqueue).toBe(40_000);
    expect(c.costs.deliver).toBe(DEFAULT_COSTS.deliver);
    expect(c.costs.perByte).toBeCloseTo(1000 / 1024, 10);
    expect(c.disk.bandwidth).toBe(50e6);
    expect(c.memory.highWatermark).toBe(0.6); // 4.0 default
    expect(c.links).toHaveLength(1);
    expect(c.links[0]!.override.loss).toBe(0.01);
  });

  it("faults build into fault objects with resolved units", () => {
    const s = parseScenarioText(
      `${base}cluster: { nodes: 3 }
faults:
  - { at: 12m, crash: rabbit-2, restartAfter: 90s }
  - { at: 1m, partition: [[rabbit-1], [rabbit-2, rabbit-3]], healAfter: 2m }
  - { at: 2m, link: [pub, rabbit-1], latency: 50ms, bandwidth: 1MB/s, for: 30s }
`.replace("10m", "20m"),
      "s.yaml",
    );
    const f = buildFaults(s.faults);
    expect(f[0]).toBeInstanceOf(CrashNode);
    expect(f[0]!.until).toBe(13.5 * 60 * NS_PER_S);
    expect(f[1]).toBeInstanceOf(PartitionNodes);
    expect((f[2] as DegradeLink).override.bandwidth).toBe(1e6);
  });

  it("a fault naming an unknown node or client is a problem at its line, with a suggestion", () => {
    const p = problems(`${base}cluster: { nodes: 3 }
faults:
  - { at: 1m, crash: rabbit-4 }
  - { at: 1m, partition: [[rabbit-1], [rabit-2]] }
  - { at: 2m, killConnection: pubb }
  - { at: 3m, stallConsumer: pub, for: 10s }
`);
    expect(p).toEqual([
      '8:22 faults.0.crash: node "rabbit-4" is not in the cluster (nodes: rabbit-1, rabbit-2, rabbit-3) (did you mean "rabbit-1"?)',
      '9:40 faults.1.partition.1.0: node "rabit-2" is not in the cluster (nodes: rabbit-1, rabbit-2, rabbit-3) (did you mean "rabbit-2"?)',
      '10:31 faults.2.killConnection: no producer or consumer is named "pubb" (did you mean "pub"?)',
      '11:30 faults.3.stallConsumer: no consumer is named "pub"',
    ]);
  });

  it("placement names declared clients and cluster nodes", () => {
    expect(
      problems(
        `${base}cluster: { nodes: 2, placement: { pub: rabbit-2, wrker: rabbit-1, worker: rabbit-9 } }\n`,
      ),
    ).toEqual([
      '6:50 cluster.placement.wrker: no producer, consumer or queue is named "wrker" (did you mean "worker"?)',
      '6:75 cluster.placement.worker: node "rabbit-9" is not in the cluster (did you mean "rabbit-1"?)',
    ]);
  });

  it("faults need a cluster: section (the free broker cannot fail)", () => {
    expect(problems(`${base}faults: [{ at: 1m, killConnection: pub }]\n`)).toEqual([
      "6:10 faults.0: faults need a cluster: section (the free broker has no nodes, links or failures)",
    ]);
  });

  it("a fault does exactly one thing, and options go with their action", () => {
    const p = problems(`${base}cluster: { nodes: 1 }
faults:
  - { at: 1m, crash: rabbit-1, stop: rabbit-1 }
  - { at: 1m, crash: rabbit-1, healAfter: 10s }
  - { at: 1m, stallConsumer: worker }
`);
    expect(p.map((x) => x.replace(/^\d+:\d+ /, ""))).toEqual([
      "faults.0.stop: a fault does one thing; this one has crash and stop: write them as separate faults",
      "faults.1.healAfter: healAfter goes with partition, not crash",
      "faults.2: stallConsumer needs for: how long it stalls",
    ]);
  });
});
