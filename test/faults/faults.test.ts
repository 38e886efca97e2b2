import { describe, expect, it } from "vitest";
import type { EventMarkerSignal } from "../../src/amqp/signals.js";
import { BrokerSignals } from "../../src/amqp/signals.js";
import { ClusterRuntime, clusterConfig, constantDelay, DEFAULT_LINK } from "../../src/cluster/index.js";
import { RandomStreams } from "../../src/engine/random.js";
import { Simulator } from "../../src/engine/simulator.js";
import { NS_PER_MS, NS_PER_S } from "../../src/engine/time.js";
import {
  type ClientControl,
  CrashNode,
  DegradeLink,
  type Fault,
  forwardClusterMarkers,
  KillConnection,
  PartitionNodes,
  ResourceAlarm,
  StallConsumer,
  StopNode,
} from "../../src/faults/index.js";

function world(faults: Fault[], over: Parameters<typeof clusterConfig>[1] = {}) {
  const sim = new Simulator();
  const cluster = new ClusterRuntime(sim, new RandomStreams(3), clusterConfig(["a", "b", "c"], over));
  const signals = new BrokerSignals();
  const markers: EventMarkerSignal[] = [];
  signals.marker.subscribe((m) => markers.push(m));
  const calls: string[] = [];
  const clients: ClientControl = {
    killConnection: (c) => calls.push(`kill ${c} @${sim.now}`),
    stallConsumer: (c, until) => calls.push(`stall ${c} @${sim.now} until ${until}`),
  };
  forwardClusterMarkers(cluster, signals);
  for (const f of faults) f.install({ sim, cluster, signals, clients });
  return { sim, cluster, markers, calls };
}

describe("faults schedule their own events and mark every time axis", () => {
  it("crash with restartAfter: node down at `at`, up at at+restartAfter, one marker with until", () => {
    const { sim, cluster, markers } = world([new CrashNode(10 * NS_PER_S, "b", 90 * NS_PER_S)]);
    sim.run({ until: 10 * NS_PER_S });
    expect(cluster.state("b")).toBe("down");
    expect(cluster.downCause("b")).toBe("crash");
    sim.run({ until: 100 * NS_PER_S });
    expect(cluster.state("b")).toBe("up");
    expect(markers[0]).toEqual({
      time: 10 * NS_PER_S,
      kind: "crash",
      label: "crash b, restart after 90s",
      until: 100 * NS_PER_S,
    });
    expect(markers.map((m) => m.kind)).toEqual(["crash", "node-up"]);
  });

  it("graceful stop flushes pending disk writes before going down", () => {
    const { sim, cluster } = world([new StopNode(5 * NS_PER_MS, "a", NS_PER_S)]);
    let synced = 0;
    sim.schedule(NS_PER_MS, () => cluster.persist("a", 100, () => synced++, undefined));
    sim.run({ until: 6 * NS_PER_MS });
    expect(cluster.state("a")).toBe("down");
    expect(cluster.downCause("a")).toBe("stop");
    expect(synced).toBe(1);
  });

  it("a partition with pause_minority pauses the minority (marked) and heals after healAfter", () => {
    const { sim, cluster, markers } = world(
      [new PartitionNodes(NS_PER_S, [["a"], ["b", "c"]], 120 * NS_PER_S)],
      { partitionHandling: "pause_minority", netTicktime: 60 * NS_PER_S, restartTime: 5 * NS_PER_S },
    );
    sim.run({ until: 62 * NS_PER_S });
    expect(cluster.state("a")).toBe("paused");
    sim.run({ until: 130 * NS_PER_S });
    expect(cluster.state("a")).toBe("up");
    expect(markers.map((m) => `${m.kind}@${m.time / NS_PER_S}`)).toEqual([
      "partition@1",
      "node-pause@61",
      "node-up@126",
    ]);
    expect(markers[0]!.until).toBe(121 * NS_PER_S);
  });

  it("a slow link applies for `for` and then restores the previous link", () => {
    const link = { ...DEFAULT_LINK, latency: constantDelay(100_000), bandwidth: Number.POSITIVE_INFINITY };
    const slow = new DegradeLink(NS_PER_S, ["p", "a"], { latency: constantDelay(50 * NS_PER_MS) }, NS_PER_S);
    const { sim, cluster } = world([slow], { clientLink: link });
    const delays: number[] = [];
    for (const t of [0.5, 1.5, 2.5]) {
      sim.schedule(t * NS_PER_S, () => {
        const t0 = sim.now;
        cluster.send(
          { kind: "client", name: "p" },
          { kind: "node", name: "a" },
          10,
          () => delays.push(sim.now - t0),
          0,
        );
      });
    }
    sim.run();
    expect(delays).toEqual([100_000, 50 * NS_PER_MS, 100_000]);
    expect(slow.label).toBe("link p<->a: latency const(50000000ns) for 1s");
  });

  it("a memory alarm blocks publishers for its duration; cleared markers follow", () => {
    const { sim, cluster, markers } = world([new ResourceAlarm(NS_PER_S, "memory", "c", 30 * NS_PER_S)]);
    const seen: [number, boolean][] = [];
    cluster.onAlarm((on) => seen.push([sim.now / NS_PER_S, on]));
    sim.run();
    expect(seen).toEqual([
      [1, true],
      [31, false],
    ]);
    expect(markers.map((m) => m.kind)).toEqual(["alarm", "alarm", "alarm-cleared"]);
  });

  it("client faults call the client layer at their time", () => {
    const { sim, calls } = world([
      new KillConnection(2 * NS_PER_S, "producer-1"),
      new StallConsumer(3 * NS_PER_S, "worker", 20 * NS_PER_S),
    ]);
    sim.run();
    expect(calls).toEqual([
      `kill producer-1 @${2 * NS_PER_S}`,
      `stall worker @${3 * NS_PER_S} until ${23 * NS_PER_S}`,
    ]);
  });
});
