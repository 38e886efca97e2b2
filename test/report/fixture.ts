import { BrokerSignals } from "../../src/amqp/signals.js";
import { RandomStreams } from "../../src/engine/random.js";
import { Simulator } from "../../src/engine/simulator.js";
import { milliseconds, type Nanoseconds, seconds } from "../../src/engine/time.js";
import { RunCollector } from "../../src/metrics/collector.js";
import { ClientSignals } from "../../src/metrics/consumer-activity.js";
import type { RunResult, Topology } from "../../src/metrics/result.js";

/**
 * A deterministic synthetic run for report tests: a toy broker (no AMQP model needed) that emits
 * the real signals. Producer "orders-api" publishes Poisson 40/s to topic exchange "orders" with
 * keys order.created (70 %), order.cancelled (25 %), order.unknown (5 %, unroutable). Queue
 * "billing" (order.created) has 2 consumers, exp(30 ms) each, prefetch 1; the queue named
 * `<script>alert(1)</script>` (order.#) has 1 consumer, exp(20 ms). The billing consumers stall
 * from 20 s to 26 s (a "consumer-stall" marker), so billing's depth builds and drains.
 */
export const HOSTILE = "<script>alert(1)</script>";

interface Copy {
  msgId: number;
  publishedAt: Nanoseconds;
  enqueuedAt: Nanoseconds;
}

interface Worker {
  name: string;
  busy: boolean;
}

interface Q {
  name: string;
  ready: Copy[];
  unacked: number;
  consumer: string;
  workers: Worker[];
  meanService: Nanoseconds;
}

export function syntheticResult(seed = 7, duration: Nanoseconds = seconds(60)): RunResult {
  const sim = new Simulator();
  const rs = new RandomStreams(seed);
  const arrivals = rs.stream("arrivals");
  const keys = rs.stream("keys");
  const service = rs.stream("service");
  const signals = new BrokerSignals();
  const clients = new ClientSignals();
  const collector = new RunCollector(signals, { binWidth: milliseconds(500), clientSignals: clients });
  const exp = (mean: number) => Math.round(-Math.log(1 - service.next()) * mean);
  const stallFrom = seconds(20);
  const stallTo = seconds(26);

  const queues: Q[] = [
    {
      name: "billing",
      ready: [],
      unacked: 0,
      consumer: "billing-worker",
      workers: [
        { name: "billing-worker-1", busy: false },
        { name: "billing-worker-2", busy: false },
      ],
      meanService: milliseconds(30),
    },
    {
      name: HOSTILE,
      ready: [],
      unacked: 0,
      consumer: "auditor",
      workers: [{ name: "auditor-1", busy: false }],
      meanService: milliseconds(20),
    },
  ];
  const depth = (q: Q) => ({ queue: q.name, node: "rabbit@a", ready: q.ready.length, unacked: q.unacked });

  for (const q of queues) {
    for (const w of q.workers) {
      clients.consumerActivity.emit({ time: 0, group: q.consumer, instance: w.name, busy: 0, capacity: 1 });
    }
  }

  const dispatch = (q: Q): void => {
    if (q.name === "billing" && sim.now >= stallFrom && sim.now < stallTo) return;
    for (const w of q.workers) {
      if (w.busy || q.ready.length === 0) continue;
      const c = q.ready.shift()!;
      w.busy = true;
      q.unacked++;
      signals.delivered.emit({
        time: sim.now,
        msgId: c.msgId,
        ...depth(q),
        consumerTag: `ctag-${w.name}`,
        consumer: w.name,
        deliveryTag: c.msgId,
        redelivered: false,
        autoAck: false,
        publishedAt: c.publishedAt,
        enqueuedAt: c.enqueuedAt,
        viaGet: false,
      });
      clients.consumerActivity.emit({
        time: sim.now,
        group: q.consumer,
        instance: w.name,
        busy: 1,
        capacity: 1,
      });
      sim.schedule(exp(q.meanService), () => {
        w.busy = false;
        q.unacked--;
        signals.settled.emit({
          time: sim.now,
          msgId: c.msgId,
          ...depth(q),
          consumer: w.name,
          kind: "ack",
          requeue: false,
          publishedAt: c.publishedAt,
        });
        signals.fate.emit({ time: sim.now, msgId: c.msgId, queue: q.name, fate: "acked" });
        clients.consumerActivity.emit({
          time: sim.now,
          group: q.consumer,
          instance: w.name,
          busy: 0,
          capacity: 1,
        });
        dispatch(q);
      });
    }
  };

  let nextId = 1;
  const publish = (): void => {
    const msgId = nextId++;
    const u = keys.next();
    const key = u < 0.7 ? "order.created" : u < 0.95 ? "order.cancelled" : "order.unknown";
    const t = sim.now;
    signals.published.emit({
      time: t,
      msgId,
      exchange: "orders",
      routingKey: key,
      bytes: 512,
      persistent: true,
      mandatory: false,
      publisher: "orders-api-1",
      publishedAt: t,
    });
    const targets =
      key === "order.unknown" ? [] : key === "order.created" ? [queues[0]!, queues[1]!] : [queues[1]!];
    signals.routed.emit({
      time: t,
      msgId,
      exchange: "orders",
      routingKey: key,
      queues: targets.map((q) => q.name),
      bindings: targets.map((q) => ({
        source: "orders",
        destination: q.name,
        destinationKind: "queue" as const,
        key: q.name === "billing" ? "order.created" : "order.#",
      })),
      alternates: [],
    });
    if (targets.length === 0) signals.fate.emit({ time: t, msgId, queue: null, fate: "unroutable-dropped" });
    for (const q of targets) {
      q.ready.push({ msgId, publishedAt: t, enqueuedAt: t });
      signals.enqueued.emit({ time: t, msgId, bytes: 512, ...depth(q) });
      dispatch(q);
    }
    signals.confirmed.emit({
      time: t + milliseconds(2),
      msgId,
      publisher: "orders-api-1",
      ack: true,
      publishedAt: t,
    });
    sim.schedule(Math.round(-Math.log(1 - arrivals.next()) * milliseconds(25)), publish);
  };
  sim.schedule(0, publish);
  sim.scheduleAt(stallFrom, () =>
    signals.marker.emit({
      time: sim.now,
      kind: "consumer-stall",
      label: "billing consumers stall",
      until: stallTo,
    }),
  );
  sim.scheduleAt(stallTo, () => dispatch(queues[0]!));
  const outcome = sim.run({ until: duration });
  for (const q of queues) {
    for (const c of q.ready)
      signals.fate.emit({ time: sim.now, msgId: c.msgId, queue: q.name, fate: "queued" });
    for (let i = 0; i < q.unacked; i++) {
      signals.fate.emit({ time: sim.now, msgId: -1 - i, queue: q.name, fate: "in-flight" });
    }
  }
  const topology: Topology = {
    exchanges: [{ name: "orders", type: "topic", durable: true }],
    queues: queues.map((q) => ({ name: q.name, type: "classic", durable: true })),
    bindings: [
      { source: "orders", destination: "billing", destinationKind: "queue", key: "order.created" },
      { source: "orders", destination: HOSTILE, destinationKind: "queue", key: "order.#" },
    ],
    producers: [{ name: "orders-api", count: 1, exchange: "orders", rate: "poisson(40/s)" }],
    consumers: [
      { name: "billing-worker", queue: "billing", count: 2, prefetch: 1 },
      { name: "auditor", queue: HOSTILE, count: 1, prefetch: 1 },
    ],
  };
  return collector.finish({
    scenario: {
      name: "synthetic-orders",
      description: `Synthetic run for report tests; a queue is named ${HOSTILE}.`,
      seed,
      brokerVersion: "3.13",
      duration: duration / 1e9,
    },
    endTime: outcome.now,
    events: outcome.events,
    stopReason: outcome.reason,
    generatorVersion: "0.1.0",
    topology,
  });
}
