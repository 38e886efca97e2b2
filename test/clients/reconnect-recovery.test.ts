import { describe, expect, it } from "vitest";
import type { Queue } from "../../src/amqp/queue.js";
import type { Producer } from "../../src/clients/producer.js";
import { NS_PER_S } from "../../src/engine/time.js";
import type { RunResult } from "../../src/metrics/result.js";
import { parseScenarioText, runScenario, type World } from "../../src/scenario/index.js";

/** What the signals say happened after `from` (seconds): publishes, enqueues per queue and node, deliveries. */
interface After {
  published: Map<string, number>;
  enqueued: Map<string, number>;
  delivered: Map<string, number>;
}

function run(
  text: string,
  from: number,
  watch?: (w: World) => void,
): { r: RunResult; after: After; world: World } {
  const after: After = { published: new Map(), enqueued: new Map(), delivered: new Map() };
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  let world: World | undefined;
  const r = runScenario(parseScenarioText(text, "test.yaml"), {
    onWorld: (w) => {
      world = w;
      watch?.(w);
      w.sim.scheduleAt(5 * NS_PER_S, () => eventsAt5s.set(w, w.broker.vhost("/").queues.get("events")));
      const t0 = from * NS_PER_S;
      w.signals.published.subscribe((p) => {
        if (p.time >= t0) bump(after.published, p.publisher);
      });
      w.signals.enqueued.subscribe((e) => {
        if (e.time >= t0) bump(after.enqueued, `${e.queue}@${e.node}`);
      });
      w.signals.delivered.subscribe((d) => {
        if (d.time >= t0) bump(after.delivered, d.queue);
      });
    },
  });
  return { r, after, world: world! };
}

/** The `events` queue object as it was at 5 s, before the crash. */
const eventsAt5s = new WeakMap<World, Queue | undefined>();

const producer = (w: World, name: string): Producer => w.producers.find((p) => p.name === name)!;

/** One node that crashes at 10 s and is back at 20 s; a durable and a transient queue. */
const crashRestart = (reconnect: string, orderReconnect = reconnect) => `name: crash-restart
duration: 40s
cluster: { nodes: 1 }
queues:
  - { name: orders, durable: true }
  - { name: events, durable: false }
producers:
  - { name: order-service, routingKey: orders, rate: 100/s, persistent: true, confirms: 100${orderReconnect} }
  - { name: event-service, routingKey: events, rate: 100/s, confirms: 100${reconnect} }
consumers:
  - { name: order-worker, queue: orders, prefetch: 10, processing: const(5ms)${reconnect} }
  - { name: event-worker, queue: events, prefetch: 10, processing: const(5ms)${reconnect} }
faults:
  - { at: 10s, crash: rabbit-1, restartAfter: 10s }
`;

describe("clients after a node crash and restart (issue 5: reconnect, redeclare, resume)", () => {
  it("without reconnect:, nothing is published or delivered after the crash", () => {
    const { after } = run(crashRestart(""), 10.001);
    expect(after.published.size).toBe(0);
    expect(after.delivered.size).toBe(0);
  });

  it("with reconnect:, producers publish and consumers receive again after the restart; the transient queue the crash deleted is redeclared", () => {
    const { r, after, world } = run(crashRestart(", reconnect: { jitter: 0 }"), 20);
    const before = eventsAt5s.get(world);
    // back-off 1, 2, 4, 8 s from the crash at 10 s: attempts at 11, 13, 17 s find the node down,
    // the one at 25 s connects; both producers then publish at 100/s until 40 s (15 s)
    for (const p of ["order-service", "event-service"]) {
      expect(after.published.get(p)).toBeGreaterThan(1400);
      expect(after.published.get(p)).toBeLessThanOrEqual(1501);
    }
    // `events` is transient: the crash deleted it with its backlog; the clients declared it again
    const now = world.broker.vhost("/").queues.get("events");
    expect(before?.deleted).toBe(true);
    expect(now).not.toBe(before);
    expect(now?.durable).toBe(false);
    expect(r.fates.total["unroutable-dropped"] ?? 0).toBe(0);
    expect(after.enqueued.get("events@rabbit-1")).toBeGreaterThan(1400);
    expect(after.enqueued.get("orders@rabbit-1")).toBeGreaterThan(1400);
    // both consumers are consuming again, and keep up (5 ms per message at 100/s)
    expect(after.delivered.get("events")).toBeGreaterThan(1400);
    expect(after.delivered.get("orders")).toBeGreaterThan(1400);
    expect(r.summary.consumers["event-worker"]!.consumed).toBeGreaterThan(2400);
    expect(r.fates.conserved).toBe(true);
    // the attempt at 25 s is the first to succeed: nothing was published between 20 and 25 s
    const early = run(crashRestart(", reconnect: { jitter: 0 }"), 25);
    expect(early.after.published.get("event-service")).toBe(after.published.get("event-service"));
  });

  it("a drop fails the outstanding confirms (counted as nacks); a producer with buffer: n publishes n of the messages due while it was away, one with none drops them all", () => {
    const { world } = run(
      crashRestart(", reconnect: { jitter: 0 }", ", reconnect: { jitter: 0, buffer: 500 }"),
      0,
    );
    const buffering = producer(world, "order-service");
    const failing = producer(world, "event-service");
    // 15 s away (10 s to 25 s) at 100/s: 1500 due
    expect(buffering.stats.buffered).toBe(500);
    expect(failing.stats.buffered).toBe(0);
    expect(failing.stats.skipped).toBeGreaterThan(1490);
    expect(buffering.stats.skipped).toBe(failing.stats.skipped - 500);
    expect(buffering.stats.published).toBe(failing.stats.published + 500);
    expect(buffering.stats.reconnects).toBe(1);
    // persistent messages wait for the fsync before their confirm: some were outstanding at the crash
    expect(buffering.stats.nacked).toBeGreaterThan(0);
    // every other publish was confirmed, but for those still in flight at the end (within the window)
    const unanswered = buffering.stats.published - buffering.stats.acked - buffering.stats.nacked;
    expect(unanswered).toBeGreaterThanOrEqual(0);
    expect(unanswered).toBeLessThanOrEqual(100);
  });
});

describe("failover to another node of the list", () => {
  /** rabbit-1 crashes for good at 10 s; every client starts on rabbit-1. */
  const failover = `name: failover
duration: 30s
cluster: { nodes: 2 }
queues:
  - { name: events, durable: false }
producers:
  - { name: pub, routingKey: events, rate: 100/s, confirms: true, reconnect: { jitter: 0 } }
consumers:
  - { name: sub, queue: events, prefetch: 10, processing: const(5ms), reconnect: { jitter: 0 } }
faults:
  - { at: 10s, crash: rabbit-1 }
`;

  it("clients of a node that stays down reconnect to the next node, redeclare the lost queue there and carry on", () => {
    const { r, after, world } = run(failover, 11);
    // the first attempt (1 s after the crash) goes to rabbit-2, which is up
    expect(world.producers[0]!.connection?.node).toBe("rabbit-2");
    expect(after.enqueued.get("events@rabbit-2")).toBeGreaterThan(1850); // 11 s to 30 s at 100/s
    expect(after.enqueued.get("events@rabbit-1")).toBeUndefined();
    expect(after.delivered.get("events")).toBeGreaterThan(1850);
    expect(r.fates.conserved).toBe(true);
  });
});

describe("a durable queue whose home node is down", () => {
  /** `jobs` (durable, on rabbit-1) is down from 10 s to 20 s; the clients fail over to rabbit-2. */
  const homeDown = `name: home-down
duration: 30s
cluster: { nodes: 2 }
queues:
  - { name: jobs, durable: true }
producers:
  - { name: pub, routingKey: jobs, rate: 100/s, persistent: true, confirms: 50, reconnect: { initialDelay: 2s, multiplier: 1, jitter: 0 } }
consumers:
  - { name: sub, queue: jobs, prefetch: 10, processing: const(5ms), reconnect: { initialDelay: 2s, multiplier: 1, jitter: 0 } }
faults:
  - { at: 10s, crash: rabbit-1, restartAfter: 10s }
`;

  it("cannot be redeclared on another node (404 home node down): the clients retry until it is back, then resume", () => {
    const refusals: number[] = [];
    const { r, after } = run(homeDown, 10, (w) => {
      w.signals.channelError.subscribe((e) => {
        if (e.code === 404 && /home node 'rabbit-1'.*is down/.test(e.text)) refusals.push(e.time / NS_PER_S);
      });
    });
    // attempts every 2 s along the list from rabbit-1: rabbit-2 at 12 s takes the connection but
    // refuses the queue (both clients), rabbit-1 at 14 s is down (refused without a connection),
    // rabbit-2 at 16 s refuses again, rabbit-1 at 18 s is down, rabbit-2 at 20 s succeeds: rabbit-1
    // restarted at 20 s
    expect(refusals.map(Math.round)).toEqual([12, 12, 16, 16]);
    // publishing and consuming resume after the restart: ~10 s at 100/s
    expect(after.published.get("pub")).toBeGreaterThan(900);
    expect(after.delivered.get("jobs")).toBeGreaterThan(900);
    expect(r.fates.conserved).toBe(true);
  });
});

describe("heartbeats (docs/heartbeats.md): a node that dies without resetting its sockets", () => {
  /** The node crashes at 12 s and is back at 13 s, but only heartbeats tell the clients (crashDetection 5m). */
  const silent = (heartbeat: string) => `name: silent
duration: 80s
cluster: { nodes: 1, crashDetection: 5m }
queues:
  - { name: q, durable: true }
producers:
  - { name: pub, routingKey: q, rate: 100/s, confirms: 10, reconnect: { jitter: 0${heartbeat} } }
consumers:
  - { name: sub, queue: q, prefetch: 10, processing: const(1ms), reconnect: { jitter: 0${heartbeat} } }
faults:
  - { at: 12s, crash: rabbit-1, restartAfter: 1s }
`;

  /** When the producer's first message after the crash (frames then in flight aside) reached the broker, s. */
  const resumed = (heartbeat: string): { at: number; nacked: number } => {
    let at = Number.POSITIVE_INFINITY;
    const { world } = run(silent(heartbeat), 0, (w) => {
      w.signals.published.subscribe((p) => {
        if (p.time > 12.5 * NS_PER_S && at === Number.POSITIVE_INFINITY) at = p.time / NS_PER_S;
      });
    });
    return { at, nacked: producer(world, "pub").stats.nacked };
  };

  it("a client proposing 10s negotiates 10s with the server's 60s: two missed heartbeats (every 5 s, the last at 10 s) tell it at 20 s; it reconnects 1 s later", () => {
    const r = resumed(", heartbeat: 10s");
    expect(r.at).toBeGreaterThanOrEqual(21);
    expect(r.at).toBeLessThan(21.02); // the next arrival (every 10 ms) after the reconnect
    expect(r.nacked).toBeGreaterThan(0); // the confirms outstanding at the crash fail at 20 s
  });

  it("a client proposing 0s (amqplib's default) takes the server's 60s: heartbeats every 30 s, the last at 0 s, so it notices at 60 s", () => {
    const r = resumed("");
    expect(r.at).toBeGreaterThanOrEqual(61);
    expect(r.at).toBeLessThan(61.02);
  });
});
