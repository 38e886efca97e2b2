import { describe, expect, it } from "vitest";
import {
  type ClusterConfig,
  ClusterRuntime,
  clusterConfig,
  constantDelay,
  DEFAULT_LINK,
  ZERO_COSTS,
} from "../../src/cluster/index.js";
import { RandomStreams } from "../../src/engine/random.js";
import { Simulator } from "../../src/engine/simulator.js";
import { NS_PER_MS, NS_PER_S } from "../../src/engine/time.js";

function make(nodes: string[] | ClusterConfig["nodes"], over: Partial<Omit<ClusterConfig, "nodes">> = {}) {
  const sim = new Simulator();
  const rt = new ClusterRuntime(sim, new RandomStreams(1), clusterConfig(nodes, over));
  return { sim, rt };
}

const q = (node: string, name: string) => ({ node, key: `queue:${name}` });

describe("CPU: one process per queue, cores shared", () => {
  it("one queue with many fast producers saturates at 1 / (per-message cost) within 2 %", () => {
    const enqueue = 20_000; // 20 us => 50 k msg/s
    const { sim, rt } = make([{ name: "a", cores: 8 }], { costs: { ...ZERO_COSTS, enqueue } });
    let done = 0;
    const counted = () => {
      if (sim.now > NS_PER_S / 2) done++;
    };
    // 20 producers, each offering 10 k msg/s (4x the queue's capacity), respecting credit flow.
    for (let p = 0; p < 20; p++) {
      const tick = () => {
        rt.whenCredit(
          q("a", "q"),
          () => {
            rt.work(q("a", "q"), "enqueue", {}, counted, undefined);
            sim.schedule(100_000, tick);
          },
          undefined,
        );
      };
      sim.schedule(p * 1000, tick);
    }
    sim.run({ until: 1.5 * NS_PER_S });
    const rate = done; // per second over the last 1 s
    expect(Math.abs(rate - 1 / (enqueue / NS_PER_S)) / 50_000).toBeLessThan(0.02);
  });

  it("one queue never uses more than one core; 8 busy queues on 4 cores share them", () => {
    const enqueue = 10_000;
    const { sim, rt } = make([{ name: "a", cores: 4 }], { costs: { ...ZERO_COSTS, enqueue } });
    const counts = new Map<number, number>();
    for (let i = 0; i < 8; i++) {
      counts.set(i, 0);
      for (let k = 0; k < 6_000; k++) {
        rt.work(q("a", `q${i}`), "enqueue", {}, () => counts.set(i, counts.get(i)! + 1), undefined);
      }
    }
    sim.run({ until: 100 * NS_PER_MS });
    // 4 cores * 100 ms / 10 us = 40 000 operations in total, 5 000 per queue (round-robin).
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    expect(total).toBe(40_000);
    for (const c of counts.values()) expect(c).toBeGreaterThanOrEqual(4_999);

    const one = make([{ name: "b", cores: 4 }], { costs: { ...ZERO_COSTS, enqueue } });
    let n = 0;
    for (let k = 0; k < 12_000; k++) one.rt.work(q("b", "solo"), "enqueue", {}, () => n++, undefined);
    one.sim.run({ until: 100 * NS_PER_MS });
    expect(n).toBe(10_000); // a single queue: 1 core's worth, the other 3 idle
  });

  it("costs add per binding visited and per byte copied", () => {
    const { sim, rt } = make(["a"], { costs: { ...ZERO_COSTS, route: 1000, perBinding: 100, perByte: 0.5 } });
    let at = -1;
    rt.work(
      { node: "a", key: "channel:1" },
      "route",
      { bindings: 10, bytes: 2000 },
      () => {
        at = sim.now;
      },
      undefined,
    );
    sim.run();
    expect(at).toBe(1000 + 10 * 100 + 2000 * 0.5);
  });

  it("credit flow holds a publisher until the queue's backlog falls under the credit limit", () => {
    const { sim, rt } = make(["a"], { costs: { ...ZERO_COSTS, enqueue: 1000 }, creditLimit: 10 });
    for (let i = 0; i < 15; i++) rt.work(q("a", "q"), "enqueue", {}, () => {}, undefined);
    expect(rt.hasCredit(q("a", "q"))).toBe(false);
    let grantedAt = -1;
    rt.whenCredit(
      q("a", "q"),
      () => {
        grantedAt = sim.now;
      },
      undefined,
    );
    sim.run();
    expect(grantedAt).toBe(6 * 1000); // backlog 15 -> 9 after 6 operations
  });
});

describe("credit flow on the publishing path (reader -> channel -> queue)", () => {
  it("a queue that falls behind parks the channel feeding it, and the channel's client stops being read; nothing is lost", () => {
    const { sim, rt } = make(["a"], {
      costs: { ...ZERO_COSTS, route: 1_000, enqueue: 100_000 },
      creditLimit: 400,
    });
    const ch = { node: "a", key: "channel:p/1" };
    const queue = q("a", "q");
    let enqueued = 0;
    let maxQueue = 0;
    let maxChannel = 0;
    const enqueue = () => {
      enqueued++;
      maxQueue = Math.max(maxQueue, rt.backlog(queue));
      maxChannel = Math.max(maxChannel, rt.backlog(ch));
    };
    const routed = () => rt.work(queue, "enqueue", {}, enqueue, undefined);
    const arrived = () => rt.work(ch, "route", {}, routed, undefined);
    for (let i = 0; i < 5000; i++)
      rt.send({ kind: "client", name: "p" }, { kind: "node", name: "a" }, 100, arrived, 0);
    sim.run();
    expect(enqueued).toBe(5000); // no deadlock, no loss
    // without credit flow the queue's mailbox would hold ~4990 operations
    expect(maxQueue).toBeLessThanOrEqual(402);
    expect(maxChannel).toBeLessThanOrEqual(402);
    expect(sim.now).toBeGreaterThanOrEqual(5000 * 100_000); // the queue's pace: 10 k/s
  });
});

describe("disk: batched fsync", () => {
  it("confirm latency stays within the fsync interval plus the write time", () => {
    const disk = { fsyncInterval: 25 * NS_PER_MS, fsyncLatency: 2 * NS_PER_MS, bandwidth: 100e6 };
    const { sim, rt } = make(["a"], { disk });
    const latencies: number[] = [];
    // 2 000 msg/s of 4 KiB = 8 MB/s; a batch holds <= 50 messages = 200 KiB => 2 ms + 2 ms to write.
    for (let i = 0; i < 4000; i++) {
      sim.schedule(i * 500_000 + (i % 7) * 1000, () => {
        const t0 = sim.now;
        rt.persist("a", 4096, () => latencies.push(sim.now - t0), undefined);
      });
    }
    sim.run();
    expect(latencies.length).toBe(4000);
    const bound = disk.fsyncInterval + disk.fsyncLatency + Math.ceil(((51 * 4096) / disk.bandwidth) * 1e9);
    expect(Math.max(...latencies)).toBeLessThanOrEqual(bound);
    expect(Math.max(...latencies)).toBeGreaterThan(disk.fsyncInterval); // it does batch
    expect(rt.diskStats("a").syncs).toBeLessThan(4000 / 40);
  });

  it("a crash discards unsynced writes: their callbacks never run", () => {
    const { sim, rt } = make(["a"]);
    let synced = 0;
    rt.persist("a", 100, () => synced++, undefined);
    sim.schedule(1 * NS_PER_MS, () => rt.crash("a"));
    sim.run();
    expect(synced).toBe(0);
  });
});

describe("network", () => {
  it("delay = serialisation (bytes / bandwidth) + latency, frames arrive in order", () => {
    const link = { ...DEFAULT_LINK, latency: constantDelay(100_000), bandwidth: 1e6 }; // 1 MB/s
    const { sim, rt } = make(["a"], { clientLink: link });
    const arrivals: [number, number][] = [];
    const c = { kind: "client", name: "p" } as const;
    const n = { kind: "node", name: "a" } as const;
    rt.send(c, n, 1000, (i) => arrivals.push([i, sim.now]), 1);
    rt.send(c, n, 10, (i) => arrivals.push([i, sim.now]), 2);
    sim.run();
    // 1000 B at 1 MB/s = 1 ms + 100 us; the second waits for the link: 1.01 ms + 100 us.
    expect(arrivals).toEqual([
      [1, 1_100_000],
      [2, 1_110_000],
    ]);
  });

  it("a lossy link retransmits after the timeout instead of dropping (TCP)", () => {
    const link = {
      ...DEFAULT_LINK,
      latency: constantDelay(0),
      bandwidth: Number.POSITIVE_INFINITY,
      loss: 0.5,
    };
    const { sim, rt } = make(["a"], { clientLink: link });
    const delays: number[] = [];
    for (let i = 0; i < 200; i++) {
      sim.schedule(i * NS_PER_S, () => {
        const t0 = sim.now;
        rt.send(
          { kind: "client", name: "p" },
          { kind: "node", name: "a" },
          1,
          () => delays.push(sim.now - t0),
          0,
        );
      });
    }
    sim.run();
    expect(delays.length).toBe(200);
    for (const d of delays) expect(d % link.retransmitTimeout).toBe(0);
    const mean = delays.reduce((a, b) => a + b, 0) / delays.length / link.retransmitTimeout;
    expect(mean).toBeGreaterThan(0.6); // geometric: expected 1 retransmission at loss 0.5
    expect(mean).toBeLessThan(1.5);
  });

  it("a partition cuts node-node links but not client links, and heal restores them", () => {
    const { sim, rt } = make(["a", "b", "c"]);
    const got: string[] = [];
    rt.partitionNetwork([["a"], ["b", "c"]]);
    rt.send({ kind: "node", name: "a" }, { kind: "node", name: "b" }, 10, () => got.push("a->b"), 0);
    rt.send({ kind: "node", name: "b" }, { kind: "node", name: "c" }, 10, () => got.push("b->c"), 0);
    rt.send({ kind: "client", name: "x" }, { kind: "node", name: "a" }, 10, () => got.push("x->a"), 0);
    expect(rt.reachable("a", "b")).toBe(false);
    sim.run({ until: NS_PER_MS });
    rt.heal();
    rt.send({ kind: "node", name: "a" }, { kind: "node", name: "b" }, 10, () => got.push("a->b healed"), 0);
    sim.run({ until: 2 * NS_PER_MS });
    expect(got).toEqual(["b->c", "x->a", "a->b healed"]);
  });

  it("frames in flight to a node that crashes never arrive", () => {
    const { sim, rt } = make(["a"]);
    let arrived = false;
    rt.send(
      { kind: "client", name: "p" },
      { kind: "node", name: "a" },
      10,
      () => {
        arrived = true;
      },
      0,
    );
    rt.crash("a");
    rt.start("a");
    sim.run();
    expect(arrived).toBe(false);
  });
});

describe("memory watermark and alarms", () => {
  it("crossing the high watermark raises a cluster-wide alarm; falling under it clears it", () => {
    const memory = { ram: 1000_000, highWatermark: 0.4, baseline: 100_000, checkInterval: 0 };
    const { rt } = make(["a", "b"], { memory });
    const seen: boolean[] = [];
    rt.onAlarm((on) => seen.push(on));
    rt.hold("a", 250_000); // 350 k <= 400 k
    expect(rt.alarmActive()).toBe(false);
    rt.hold("a", 60_000); // 410 k > 400 k
    expect(rt.alarmActive()).toBe(true);
    rt.forceAlarm("disk", "b", true);
    rt.release("a", 60_000); // memory alarm clears but the disk alarm holds the block
    expect(rt.alarmActive()).toBe(true);
    rt.forceAlarm("disk", "b", false);
    expect(seen).toEqual([true, false]);
  });

  it("with a polling interval the alarm is raised and cleared only at the memory monitor's polls", () => {
    const memory = { ram: 1000_000, highWatermark: 0.4, baseline: 100_000, checkInterval: 2_500_000_000 };
    const { sim, rt } = make(["a"], { memory });
    const seen: [number, boolean][] = [];
    rt.onAlarm((on) => seen.push([sim.now / NS_PER_S, on]));
    sim.schedule(NS_PER_S, () => rt.hold("a", 400_000));
    sim.schedule(3 * NS_PER_S, () => rt.release("a", 400_000));
    sim.run({ until: 10 * NS_PER_S });
    // first change at 1 s starts the poll: 3.5 s sees the release already, so the poll at 3.5 s
    // finds memory under the watermark; the hold between 1 s and 3 s is never seen
    expect(seen).toEqual([]);
    sim.schedule(0, () => rt.hold("a", 400_000));
    sim.run({ until: 20 * NS_PER_S });
    expect(seen).toEqual([[11, true]]);
  });
});

describe("node state and partition handling", () => {
  it("a crash drops the node's queued CPU work and tells down listeners; start tells up listeners", () => {
    const { sim, rt } = make(["a"], { costs: { ...ZERO_COSTS, enqueue: 1000 } });
    const log: string[] = [];
    rt.onNodeDown((n) => log.push(`down ${n} ${rt.downCause(n)}`));
    rt.onNodeUp((n) => log.push(`up ${n}`));
    let ran = 0;
    for (let i = 0; i < 10; i++) rt.work(q("a", "q"), "enqueue", {}, () => ran++, undefined);
    sim.schedule(3500, () => rt.crash("a"));
    sim.schedule(10_000, () => rt.start("a"));
    sim.run();
    expect(ran).toBe(3);
    expect(log).toEqual(["down a crash", "up a"]);
    expect(rt.isUp("a")).toBe(true);
  });

  it("pause_minority pauses the minority after net_ticktime and resumes it after the heal", () => {
    const { sim, rt } = make(["a", "b", "c"], {
      partitionHandling: "pause_minority",
      netTicktime: 60 * NS_PER_S,
      restartTime: 5 * NS_PER_S,
    });
    rt.partitionNetwork([["a"], ["b", "c"]]);
    sim.run({ until: 59 * NS_PER_S });
    expect(rt.state("a")).toBe("up");
    sim.run({ until: 61 * NS_PER_S });
    expect([rt.state("a"), rt.state("b"), rt.state("c")]).toEqual(["paused", "up", "up"]);
    sim.schedule(0, () => rt.heal());
    sim.run({ until: 65 * NS_PER_S });
    expect(rt.state("a")).toBe("paused");
    sim.run({ until: 67 * NS_PER_S });
    expect(rt.state("a")).toBe("up");
  });

  it("pause_minority pauses both nodes of a 2-node cluster", () => {
    const { sim, rt } = make(["a", "b"], { partitionHandling: "pause_minority" });
    rt.partitionNetwork([["a"], ["b"]]);
    sim.run({ until: 61 * NS_PER_S });
    expect([rt.state("a"), rt.state("b")]).toEqual(["paused", "paused"]);
  });

  it("a partition shorter than net_ticktime goes unnoticed", () => {
    const { sim, rt } = make(["a", "b", "c"], { partitionHandling: "pause_minority" });
    rt.partitionNetwork([["a"], ["b", "c"]]);
    sim.schedule(30 * NS_PER_S, () => rt.heal());
    sim.run({ until: 120 * NS_PER_S });
    expect(rt.state("a")).toBe("up");
  });

  it("autoheal restarts the side with fewer clients when the partition ends; ignore restarts nobody", () => {
    const { sim, rt } = make(["a", "b", "c"], { partitionHandling: "autoheal" });
    rt.setClientCounter((n) => (n === "a" ? 10 : 1));
    const heals: string[][] = [];
    rt.onHeal((i) => heals.push([...i.losers]));
    rt.partitionNetwork([["a"], ["b", "c"]]);
    sim.schedule(90 * NS_PER_S, () => rt.heal());
    sim.run({ until: 91 * NS_PER_S });
    expect(heals).toEqual([["b", "c"]]); // a has the most clients
    expect([rt.state("a"), rt.state("b"), rt.state("c")]).toEqual(["up", "down", "down"]);
    sim.run({ until: 100 * NS_PER_S });
    expect([rt.state("b"), rt.state("c")]).toEqual(["up", "up"]);

    const ig = make(["a", "b", "c"], { partitionHandling: "ignore" });
    ig.rt.partitionNetwork([["a"], ["b", "c"]]);
    ig.sim.schedule(90 * NS_PER_S, () => ig.rt.heal());
    ig.sim.run({ until: 200 * NS_PER_S });
    expect(ig.rt.nodes.map((n) => ig.rt.state(n))).toEqual(["up", "up", "up"]);
  });

  it("pause_if_all_down pauses nodes that reach none of the listed nodes", () => {
    const { sim, rt } = make(["a", "b", "c"], {
      partitionHandling: "pause_if_all_down",
      pauseIfAllDown: { nodes: ["a"], recover: "ignore" },
    });
    rt.partitionNetwork([["a", "b"], ["c"]]);
    sim.run({ until: 61 * NS_PER_S });
    expect([rt.state("a"), rt.state("b"), rt.state("c")]).toEqual(["up", "up", "paused"]);
  });
});
