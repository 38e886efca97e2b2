import { describe, expect, it } from "vitest";
import { BrokerSignals } from "../../src/amqp/signals.js";
import { milliseconds, seconds } from "../../src/engine/time.js";
import { defaultBinWidth, RunCollector, type RunMeta } from "../../src/metrics/collector.js";
import { ClientSignals } from "../../src/metrics/consumer-activity.js";
import type { Topology } from "../../src/metrics/result.js";

const meta = (endTime: number, topology?: Topology): RunMeta => ({
  scenario: { name: "t", description: "", seed: 1, brokerVersion: "3.13", duration: endTime / 1e9 },
  endTime,
  events: 10,
  stopReason: "until",
  generatorVersion: "0.0.0-test",
  ...(topology ? { topology } : {}),
});

const topology: Topology = {
  exchanges: [{ name: "ex", type: "direct" }],
  queues: [{ name: "q", type: "classic" }],
  bindings: [{ source: "ex", destination: "q", destinationKind: "queue", key: "k" }],
  producers: [{ name: "prod", count: 1, exchange: "ex" }],
  consumers: [{ name: "worker", queue: "q", count: 1 }],
};

/**
 * A hand-computed run, 1 s bins, 2 s long:
 *  t=0     msg 1 published to ex, routed to q (ready 1)
 *  t=0.1   msg 1 confirmed (confirm latency 100 ms)
 *  t=0.2   crash marker until 1.2 s
 *  t=0.5   msg 2 published to ex, unroutable, dropped
 *  t=1.0   msg 1 delivered to worker-1 (ready 0, unacked 1); latency 1 s; worker busy
 *  t=1.5   msg 1 acked (unacked 0); worker idle
 */
function handRun(): { signals: BrokerSignals; clients: ClientSignals; collector: RunCollector } {
  const signals = new BrokerSignals();
  const clients = new ClientSignals();
  const collector = new RunCollector(signals, { binWidth: seconds(1), clientSignals: clients });
  const common = {
    exchange: "ex",
    routingKey: "k",
    persistent: false,
    mandatory: false,
    publisher: "prod-1",
  };
  const act = (time: number, busy: number) =>
    clients.consumerActivity.emit({ time, group: "worker", instance: "worker-1", busy, capacity: 1 });
  act(0, 0);
  signals.published.emit({ time: 0, msgId: 1, bytes: 100, publishedAt: 0, ...common });
  signals.routed.emit({
    time: 0,
    msgId: 1,
    exchange: "ex",
    routingKey: "k",
    queues: ["q"],
    bindings: [{ source: "ex", destination: "q", destinationKind: "queue", key: "k" }],
    alternates: [],
  });
  signals.enqueued.emit({ time: 0, msgId: 1, bytes: 100, queue: "q", node: "n1", ready: 1, unacked: 0 });
  signals.confirmed.emit({
    time: milliseconds(100),
    msgId: 1,
    publisher: "prod-1",
    ack: true,
    publishedAt: 0,
  });
  signals.marker.emit({
    time: milliseconds(200),
    kind: "crash",
    label: "rabbit-1 crashed",
    until: seconds(1.2),
  });
  const t2 = milliseconds(500);
  signals.published.emit({ time: t2, msgId: 2, bytes: 50, publishedAt: t2, ...common, routingKey: "x" });
  signals.routed.emit({
    time: t2,
    msgId: 2,
    exchange: "ex",
    routingKey: "x",
    queues: [],
    bindings: [],
    alternates: [],
  });
  signals.fate.emit({ time: t2, msgId: 2, queue: null, fate: "unroutable-dropped" });
  signals.delivered.emit({
    time: seconds(1),
    msgId: 1,
    queue: "q",
    node: "n1",
    ready: 0,
    unacked: 1,
    consumerTag: "ctag-1",
    consumer: "worker-1",
    deliveryTag: 1,
    redelivered: false,
    autoAck: false,
    publishedAt: 0,
    enqueuedAt: 0,
    viaGet: false,
  });
  act(seconds(1), 1);
  const t3 = seconds(1.5);
  signals.settled.emit({
    time: t3,
    msgId: 1,
    queue: "q",
    node: "n1",
    ready: 0,
    unacked: 0,
    consumer: "worker-1",
    kind: "ack",
    requeue: false,
    publishedAt: 0,
  });
  signals.fate.emit({ time: t3, msgId: 1, queue: "q", fate: "acked" });
  act(t3, 0);
  return { signals, clients, collector };
}

describe("RunCollector on a hand-computed run", () => {
  const result = handRun().collector.finish(meta(seconds(2), topology));

  it("counts and rates divide by the run's end time", () => {
    const c = result.summary.counts;
    expect([c.published, c.enqueued, c.unroutable, c.delivered, c.acked, c.consumed, c.confirmed]).toEqual([
      2, 1, 1, 1, 1, 1, 1,
    ]);
    expect(c.publishedBytes).toBe(150);
    expect(result.summary.throughput.published).toBe(1);
    expect(result.summary.throughput.consumed).toBe(0.5);
    expect(result.summary.exchanges.ex).toEqual({ published: 2, unroutable: 1, rate: 1 });
  });

  it("latency is publish to delivery; queue wait is enqueue to delivery; confirm latency publish to confirm", () => {
    expect(result.summary.latency.count).toBe(1);
    expect(result.summary.latency.p99).toBe(1);
    expect(result.summary.latency.min).toBe(1);
    expect(result.summary.queueWait.max).toBe(1);
    expect(result.summary.confirmLatency.p50).toBe(0.1);
    expect(result.summary.queues.q!.latency.p50).toBe(1);
  });

  it("queue depth is time-weighted: ready 1 for 1 s and unacked 1 for 0.5 s over 2 s", () => {
    const q = result.summary.queues.q!;
    expect(q.depth).toEqual({ max: 1, mean: 0.75, final: 0 });
    expect(q.ready).toEqual({ max: 1, mean: 0.5, final: 0 });
    expect(q.unacked).toEqual({ max: 1, mean: 0.25, final: 0 });
    const s = result.timeSeries.queues.q!;
    expect(s.ready).toEqual([1, 0]);
    expect(s.unacked).toEqual([0, 0.5]);
    expect(s.depthMax).toEqual([1, 1]);
    expect(s.enqueued).toEqual([1, 0]);
    expect(s.consumed).toEqual([0, 1]);
  });

  it("time series have one value per bin, rates per second", () => {
    const ts = result.timeSeries;
    expect(ts.binWidth).toBe(1);
    expect(ts.time).toEqual([0, 1]);
    expect(ts.total.published).toEqual([2, 0]);
    expect(ts.exchanges.ex).toEqual({ published: [2, 0], unroutable: [1, 0] });
    expect(ts.latency.count).toEqual([0, 1]);
    expect(ts.latency.p50).toEqual([null, 1]);
    expect(ts.latency.p99).toEqual([null, 1]);
  });

  it("consumer utilisation is busy time over capacity time, overall and per bin", () => {
    expect(result.summary.consumers.worker).toEqual({
      instances: 1,
      capacity: 1,
      utilisation: 0.25,
      delivered: 1,
      consumed: 1,
    });
    expect(result.timeSeries.consumers.worker!.utilisation).toEqual([0, 0.5]);
  });

  it("every copy has one fate: one acked in q, one unroutable-dropped with no queue", () => {
    expect(result.fates.total.acked).toBe(1);
    expect(result.fates.total["unroutable-dropped"]).toBe(1);
    expect(result.fates.queues.q!.acked).toBe(1);
    expect(result.fates.unqueued["unroutable-dropped"]).toBe(1);
    expect(result.fates.copies).toBe(2);
    expect(result.fates.conserved).toBe(true);
  });

  it("markers are in seconds and topology gets message counts", () => {
    expect(result.markers).toEqual([{ time: 0.2, kind: "crash", label: "rabbit-1 crashed", until: 1.2 }]);
    expect(result.topology.bindings[0]!.messages).toBe(1);
    expect(result.topology.exchanges[0]!.messages).toBe(2);
    expect(result.topology.queues[0]!.messages).toBe(1);
    expect(result.topology.producers[0]!.messages).toBe(2);
    expect(result.topology.consumers[0]!.messages).toBe(1);
  });
});

describe("RunCollector edge cases", () => {
  it("a message routed to two queues is two copies: one fate is not enough for fates.conserved", () => {
    const run = (fates: number) => {
      const signals = new BrokerSignals();
      const c = new RunCollector(signals, { binWidth: seconds(1) });
      const common = { exchange: "x", routingKey: "k", persistent: false, mandatory: false, publisher: "p" };
      signals.published.emit({ time: 0, msgId: 1, bytes: 1, publishedAt: 0, ...common });
      signals.routed.emit({ time: 0, msgId: 1, ...common, queues: ["a", "b"], bindings: [], alternates: [] });
      for (const q of ["a", "b"].slice(0, fates))
        signals.fate.emit({ time: 0, msgId: 1, queue: q, fate: "queued" });
      return c.finish(meta(seconds(1))).fates;
    };
    expect(run(1).conserved).toBe(false);
    expect(run(2).conserved).toBe(true);
    expect(run(2).copies).toBe(2);
  });

  it("the model's copy count, when given, is what fates.conserved compares with", () => {
    const signals = new BrokerSignals();
    const c = new RunCollector(signals, { binWidth: seconds(1) });
    signals.fate.emit({ time: 0, msgId: 1, queue: "dlq", fate: "queued" });
    expect(c.finish({ ...meta(seconds(1)), copies: 2 }).fates.conserved).toBe(false);
  });

  it("the default exchange is named '' as in signals, and bindings only routing saw are added as implicit", () => {
    const signals = new BrokerSignals();
    const c = new RunCollector(signals, { binWidth: seconds(1) });
    const common = { exchange: "", routingKey: "q", persistent: false, mandatory: false, publisher: "p-1" };
    signals.published.emit({ time: 0, msgId: 1, bytes: 1, publishedAt: 0, ...common });
    signals.routed.emit({
      time: 0,
      msgId: 1,
      ...common,
      queues: ["q"],
      bindings: [{ source: "", destination: "q", destinationKind: "queue", key: "q" }],
      alternates: [],
    });
    const r = c.finish(
      meta(seconds(1), {
        exchanges: [{ name: "(default)", type: "direct" }],
        queues: [{ name: "q", type: "classic" }],
        bindings: [],
        producers: [{ name: "p", count: 1, exchange: "(default)" }],
        consumers: [],
      }),
    );
    expect(r.topology.exchanges).toEqual([{ name: "", type: "direct", messages: 1 }]);
    expect(r.topology.producers[0]!.exchange).toBe("");
    expect(r.topology.bindings).toEqual([
      { source: "", destination: "q", destinationKind: "queue", key: "q", implicit: true, messages: 1 },
    ]);
    expect(Object.keys(r.summary.exchanges)).toEqual([""]);
  });

  it("copies lost in a node crash come off the queue depth: delivered ones off unacked, the rest off ready", () => {
    const signals = new BrokerSignals();
    const c = new RunCollector(signals, { binWidth: seconds(1) });
    const at = { queue: "q", node: "n" };
    for (let id = 1; id <= 3; id++) {
      signals.enqueued.emit({ time: 0, msgId: id, bytes: 1, ...at, ready: id, unacked: 0 });
    }
    signals.delivered.emit({
      time: 0,
      msgId: 1,
      ...at,
      ready: 2,
      unacked: 1,
      consumerTag: "c",
      consumer: "c-1",
      deliveryTag: 1,
      redelivered: false,
      autoAck: false,
      publishedAt: 0,
      enqueuedAt: 0,
      viaGet: false,
    });
    const t = seconds(1);
    signals.fate.emit({ time: t, msgId: 1, queue: "q", fate: "lost", lossCause: "node-crash" });
    signals.fate.emit({ time: t, msgId: 2, queue: "q", fate: "lost", lossCause: "node-crash" });
    const r = c.finish(meta(seconds(2)));
    expect(r.summary.queues.q!.ready.final).toBe(1);
    expect(r.summary.queues.q!.unacked.final).toBe(0);
    expect(r.timeSeries.queues.q!.ready).toEqual([2, 1]);
  });

  it("a copy delivered three times counts as one duplicate and two redeliveries", () => {
    const signals = new BrokerSignals();
    const c = new RunCollector(signals, { binWidth: seconds(1) });
    for (let i = 0; i < 3; i++) {
      signals.delivered.emit({
        time: milliseconds(i),
        msgId: 7,
        queue: "q",
        node: "n",
        ready: 0,
        unacked: 1,
        consumerTag: "c",
        consumer: "c-1",
        deliveryTag: i + 1,
        redelivered: i > 0,
        autoAck: false,
        publishedAt: 0,
        enqueuedAt: 0,
        viaGet: false,
      });
    }
    const r = c.finish(meta(seconds(1)));
    expect(r.fates.duplicates).toBe(1);
    expect(r.fates.redelivered).toBe(2);
  });

  it("the last bin's rate divides by its partial width", () => {
    const signals = new BrokerSignals();
    const c = new RunCollector(signals, { binWidth: seconds(1) });
    const common = {
      exchange: "e",
      routingKey: "",
      bytes: 1,
      persistent: false,
      mandatory: false,
      publisher: "p",
    };
    signals.published.emit({ time: seconds(1.2), msgId: 1, publishedAt: seconds(1.2), ...common });
    const r = c.finish(meta(seconds(1.5)));
    expect(r.timeSeries.time).toEqual([0, 1]);
    expect(r.timeSeries.total.published).toEqual([0, 2]);
  });

  it("lost messages are counted by cause, and confirmed-then-lost separately", () => {
    const signals = new BrokerSignals();
    const c = new RunCollector(signals, { binWidth: seconds(1) });
    signals.fate.emit({
      time: 1,
      msgId: 1,
      queue: "q",
      fate: "lost",
      lossCause: "node-crash",
      confirmedBeforeLoss: true,
    });
    signals.fate.emit({ time: 1, msgId: 2, queue: "q", fate: "lost", lossCause: "node-crash" });
    const r = c.finish(meta(seconds(1)));
    expect(r.fates.lostByCause["node-crash"]).toBe(2);
    expect(r.fates.confirmedLost).toBe(1);
    expect(r.summary.counts.lost).toBe(2);
  });

  it("records keyed by name are in sorted order whatever order the queues appeared in", () => {
    const signals = new BrokerSignals();
    const c = new RunCollector(signals, { binWidth: seconds(1) });
    for (const queue of ["b", "a", "c"]) {
      signals.enqueued.emit({ time: 0, msgId: 1, bytes: 1, queue, node: "n", ready: 1, unacked: 0 });
    }
    const r = c.finish(meta(seconds(1)));
    expect(Object.keys(r.summary.queues)).toEqual(["a", "b", "c"]);
    expect(Object.keys(r.timeSeries.queues)).toEqual(["a", "b", "c"]);
  });

  it("the same signals give byte-identical JSON", () => {
    const a = JSON.stringify(handRun().collector.finish(meta(seconds(2), topology)));
    const b = JSON.stringify(handRun().collector.finish(meta(seconds(2), topology)));
    expect(a).toBe(b);
  });

  it("finish unsubscribes from the signals", () => {
    const { signals, collector } = handRun();
    collector.finish(meta(seconds(2)));
    expect(signals.published.active).toBe(false);
    expect(signals.fate.active).toBe(false);
  });

  it("defaultBinWidth picks a 1-2-5 step giving 100 to 250 bins", () => {
    expect(defaultBinWidth(seconds(60))).toBe(milliseconds(500)); // 120 bins
    expect(defaultBinWidth(seconds(30))).toBe(milliseconds(200)); // 150 bins
    expect(defaultBinWidth(seconds(1800))).toBe(seconds(10)); // 180 bins
    expect(defaultBinWidth(seconds(25))).toBe(milliseconds(100)); // 250 bins
    expect(defaultBinWidth(milliseconds(10))).toBe(milliseconds(1));
  });
});
