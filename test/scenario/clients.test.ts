import { describe, expect, it } from "vitest";
import { ArrivalClock, type RateShape, RoutingKeys } from "../../src/clients/index.js";
import { RandomStreams } from "../../src/engine/random.js";
import { NS_PER_S } from "../../src/engine/time.js";
import { buildWorld, parseScenarioText, runScenario } from "../../src/scenario/index.js";

const rng = (name = "t") => new RandomStreams(1).stream(name);
const times = (shape: RateShape, n: number, arrivals: "constant" | "poisson" = "constant") => {
  const c = new ArrivalClock(shape, arrivals, rng());
  return Array.from({ length: n }, () => c.next());
};

describe("producer arrival clock", () => {
  it("constant 200/s puts message k at exactly k × 5 ms", () => {
    expect(times({ kind: "constant", rate: 200 }, 4)).toEqual([0, 5_000_000, 10_000_000, 15_000_000]);
  });

  it("poisson 100/s has exponential gaps: mean 10 ms and coefficient of variation 1 (within 3 %)", () => {
    const t = times({ kind: "constant", rate: 100 }, 20_001, "poisson");
    const gaps = t.slice(1).map((x, i) => x - t[i]!);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((a, b) => a + (b - mean) ** 2, 0) / gaps.length);
    expect(mean / 10_000_000).toBeCloseTo(1, 1);
    expect(Math.abs(mean / 10_000_000 - 1)).toBeLessThan(0.03);
    expect(Math.abs(sd / mean - 1)).toBeLessThan(0.03);
  });

  it("a ramp from 0/s to 100/s over 10 s sends its integral, 500 messages, during the ramp, then 100/s", () => {
    const t = times({ kind: "ramp", from: 0, to: 100, over: 10 * NS_PER_S }, 600);
    expect(t.filter((x) => x < 10 * NS_PER_S).length).toBe(500);
    expect(t[599]! - t[598]!).toBe(10_000_000);
    // the rate rises: early gaps are longer than late ones
    expect(t[11]! - t[10]!).toBeGreaterThan(t[401]! - t[400]!);
  });

  it("a schedule holds each rate from its step on; 0/s pauses publishing", () => {
    const t = times(
      {
        kind: "schedule",
        steps: [
          { at: 0, rate: 10 },
          { at: 5 * NS_PER_S, rate: 0 },
          { at: 10 * NS_PER_S, rate: 20 },
        ],
      },
      70,
    );
    expect(t.filter((x) => x < 5 * NS_PER_S).length).toBe(50);
    expect(t.some((x) => x >= 5 * NS_PER_S && x < 10 * NS_PER_S)).toBe(false);
    expect(t[50]).toBe(10 * NS_PER_S);
    expect(t[51]! - t[50]!).toBe(50_000_000);
  });

  it("bursts send `size` messages at once every `every`", () => {
    expect(times({ kind: "bursts", size: 3, every: NS_PER_S }, 7)).toEqual([0, 0, 0, 1e9, 1e9, 1e9, 2e9]);
  });
});

describe("routing keys", () => {
  it("a template substitutes {i}, {seq} and {rand:N}", () => {
    const k = new RoutingKeys({ kind: "template", template: "host-{i}.msg-{seq}.shard-{rand:4}" }, 3, rng());
    const keys = Array.from({ length: 200 }, (_, s) => k.next(s));
    expect(keys[7]).toMatch(/^host-3\.msg-7\.shard-[0-3]$/);
    expect(new Set(keys.map((x) => x.slice(-1)))).toEqual(new Set(["0", "1", "2", "3"]));
  });

  it("weighted keys are drawn in proportion to their weights (3:1 within 2 %)", () => {
    const k = new RoutingKeys({ kind: "choice", keys: ["a", "b"], weights: [3, 1] }, 0, rng());
    const n = 40_000;
    let a = 0;
    for (let i = 0; i < n; i++) if (k.next(i) === "a") a++;
    expect(Math.abs(a / n - 0.75)).toBeLessThan(0.02);
  });
});

const scenario = (body: string) => parseScenarioText(body, "t.yaml");

describe("producers and consumers in a world", () => {
  it("a producer never has more unconfirmed messages in flight than its confirm window", () => {
    const s = scenario(`name: w
duration: 2s
cluster: {}
queues: [{ name: q }]
producers: [{ name: p, exchange: "", routingKey: q, messages: 2000, persistent: true, confirms: 5 }]
consumers: [{ name: c, queue: q, ack: auto }]
`);
    const world = buildWorld(s);
    let outstanding = 0;
    let max = 0;
    let confirmed = 0;
    world.signals.published.subscribe(() => {
      outstanding++;
      max = Math.max(max, outstanding);
    });
    world.signals.confirmed.subscribe(() => {
      outstanding--;
      confirmed++;
    });
    world.start((m) => {
      throw new Error(m);
    });
    world.sim.run({ until: s.duration });
    expect(max).toBe(5);
    expect(confirmed).toBeGreaterThan(100);
  });

  it("a crashing consumer's unacked messages are redelivered and every message is still acked once", () => {
    const r = runScenario(
      scenario(`name: crash
duration: 30s
stop: { whenDrained: true }
queues: [{ name: q }]
producers: [{ name: p, exchange: "", routingKey: q, rate: 50/s, messages: 500 }]
consumers: [{ name: c, queue: q, prefetch: 10, processing: exp(5ms), crash: { probability: 0.02, restartAfter: 200ms } }]
`),
    );
    expect(r.fates.redelivered).toBeGreaterThan(0);
    expect(r.fates.total.acked).toBe(500);
    expect(r.run.stopReason).toBe("drained");
    expect(r.markers.some((m) => m.kind === "consumer-crash")).toBe(true);
  });

  it("adding a producer leaves another producer's draws unchanged (common random numbers)", () => {
    const base = `name: crn
duration: 5s
queues: [{ name: q }]
producers:
  - { name: a, exchange: "", routingKey: q, rate: 100/s, arrivals: poisson, size: exp(1KiB) }
`;
    const published = (text: string) => {
      const world = buildWorld(scenario(text));
      const seen: string[] = [];
      world.signals.published.subscribe((p) => {
        if (p.publisher === "a") seen.push(`${p.time}:${p.bytes}`);
      });
      world.start(() => {});
      world.sim.run({ until: 5 * NS_PER_S });
      return seen;
    };
    const alone = published(base);
    const withB = published(
      `${base}  - { name: b, exchange: "", routingKey: q, rate: 300/s, arrivals: poisson }\n`,
    );
    expect(alone.length).toBeGreaterThan(400);
    expect(withB).toEqual(alone);
  });

  it("the same scenario and seed give the same result; another seed gives another", () => {
    const text = `name: det
duration: 5s
queues: [{ name: q }]
producers: [{ name: p, exchange: "", routingKey: q, rate: 100/s, arrivals: poisson }]
consumers: [{ name: c, queue: q, prefetch: 1, processing: exp(8ms) }]
`;
    const a = JSON.stringify(runScenario(scenario(text)));
    expect(JSON.stringify(runScenario(scenario(text)))).toBe(a);
    expect(JSON.stringify(runScenario(scenario(text), { seed: 2 }))).not.toBe(a);
  });

  it("policies apply the lower length limit of policy and x-argument, and the queue's own DLX wins", () => {
    const r = runScenario(
      scenario(`name: pol
duration: 1s
exchanges: [{ name: a, type: fanout }, { name: b, type: fanout }]
queues: [{ name: orders, arguments: { x-max-length: 50, x-dead-letter-exchange: a } }]
policies: [{ name: p, pattern: "^ord", definition: { max-length: 10, dead-letter-exchange: b, message-ttl: 1m } }]
`),
    );
    expect(r.topology.queues[0]!.arguments).toEqual({
      "x-max-length": 10,
      "x-dead-letter-exchange": "a",
      "x-message-ttl": 60000,
    });
  });
});

describe("runaway guard", () => {
  it("a zero-delay loop (nack with requeue, no processing time) fails the run instead of hanging", () => {
    const s = scenario(`name: loop
duration: 1s
queues: [{ name: q }]
producers: [{ name: p, exchange: "", routingKey: q, messages: 1 }]
consumers: [{ name: c, queue: q, processing: 0ms, nack: { probability: 1, requeue: true } }]
`);
    expect(() => runScenario(s, { stuckEvents: 50_000 })).toThrow(
      /simulated time is stuck at 0 s: 50000 events/,
    );
  });
});

describe("reconnect", () => {
  const text = (reconnect: string) => `name: rc
duration: 20s
cluster: { nodes: 2 }
queues: [{ name: q }]
producers: [{ name: p, exchange: "", routingKey: q, rate: 100/s${reconnect} }]
consumers: [{ name: c, queue: q, prefetch: 10, processing: exp(2ms)${reconnect} }]
faults:
  - { at: 5s, killConnection: p }
  - { at: 5s, killConnection: c }
`;

  it("without reconnect:, clients whose connection is killed stay disconnected", () => {
    const r = runScenario(scenario(text("")));
    expect(r.summary.counts.published).toBeGreaterThan(450);
    expect(r.summary.counts.published).toBeLessThan(550); // publishing stopped at 5 s
  });

  it("with reconnect:, they come back after the back-off (on the next node) and carry on; arrivals due meanwhile are skipped", () => {
    const r = runScenario(scenario(text(", reconnect: { initialDelay: 2s, jitter: 0 }")));
    // 5 s before the kill, 2 s down, 13 s after: ~1800 of 2000 arrivals published
    expect(r.summary.counts.published).toBeGreaterThan(1700);
    expect(r.summary.counts.published).toBeLessThan(1900);
    expect(r.summary.counts.consumed).toBeGreaterThan(1700);
    expect(r.fates.conserved).toBe(true);
  });

  it("a failover list must name cluster nodes", () => {
    expect(() => scenario(text(", reconnect: { nodes: [rabbit-3] }"))).toThrow(
      /node "rabbit-3" is not in the cluster/,
    );
  });
});
