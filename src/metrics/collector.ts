import { FATES, type Fate, LOSS_CAUSES, type LossCause } from "../amqp/fate.js";
import type {
  BrokerSignals,
  ConfirmedSignal,
  DeadLetteredSignal,
  DeliveredSignal,
  DroppedSignal,
  EnqueuedSignal,
  EventMarkerSignal,
  ExpiredSignal,
  FateSignal,
  MatchedBinding,
  PublishedSignal,
  ReturnedSignal,
  RoutedSignal,
  SettledSignal,
} from "../amqp/signals.js";
import type { Nanoseconds } from "../engine/time.js";
import { BinnedCounter, BinnedLevel, BinnedQueue } from "./binned.js";
import type { ClientSignals, ConsumerActivitySignal } from "./consumer-activity.js";
import { bucketIndex, DEFAULT_SUB_BITS, LogLinearHistogram } from "./histogram.js";
import { HistogramBatch } from "./histogram-batch.js";
import {
  type DepthSummary,
  EMPTY_TOPOLOGY,
  type FateCounts,
  type JsonObject,
  type JsonValue,
  type LatencySummary,
  type Marker,
  RESULT_FORMAT,
  RESULT_UNITS,
  RESULT_VERSION,
  type RunResult,
  roundNumber,
  type ScenarioInfo,
  type Topology,
} from "./result.js";
import { SmallIntMap } from "./small-int-map.js";

export interface CollectorOptions {
  /** Width of the time-series bins, ns (see defaultBinWidth). */
  readonly binWidth: Nanoseconds;
  /** Consumer utilisation source (clients / RPC servers emit on it). */
  readonly clientSignals?: ClientSignals;
  /** Buckets per decade of the exported histograms (default 10). */
  readonly bucketsPerDecade?: number;
}

/** What the run pipeline knows at the end that the signals do not carry. */
export interface RunMeta {
  readonly scenario: ScenarioInfo;
  /** Simulated end time, ns. Rates divide by it. */
  readonly endTime: Nanoseconds;
  readonly events: number;
  readonly stopReason: string;
  /** amqpsim's version (package.json). */
  readonly generatorVersion: string;
  /** Copies the model started (its fate ledger), for the conservation check. */
  readonly copies?: number;
  /** Declared topology from the scenario builder; the collector adds message counts. */
  readonly topology?: Topology;
  readonly rpc?: JsonObject;
  readonly slo?: JsonObject;
  readonly extensions?: { readonly [section: string]: JsonValue };
}

const NS_PER_S = 1e9;
/** Publishes (routed bindings) counted by publisher (binding) together: see countPublishers. */
const BATCH = 4096;
/** Per-queue latency histograms: 32 sub-buckets per power of two (whole-run ones use 128). */
const QUEUE_HISTOGRAM_BITS = 5;

/**
 * A bin width giving 100 to 250 bins for a run of `duration` ns: duration / 250 rounded up to a
 * 1-2-5 step (1 ms, 2 ms, 5 ms, 10 ms ... ), never below 1 ms.
 */
export function defaultBinWidth(duration: Nanoseconds): Nanoseconds {
  const target = Math.max(duration / 250, 1e6);
  const pow = 10 ** Math.floor(Math.log10(target));
  for (const m of [1, 2, 5, 10]) if (m * pow >= target) return m * pow;
  return 10 * pow;
}

type MutableFates = { [F in Fate]: number };
const zeroFates = (): MutableFates => Object.fromEntries(FATES.map((f) => [f, 0])) as MutableFates;

class QueueStats {
  readonly series: BinnedQueue;
  redelivered = 0;
  acked = 0;
  rejected = 0;
  expired = 0;
  deadLettered = 0;
  dropped = 0;
  // 5 sub-bucket bits (percentiles within 1.6 %): a run can have thousands of queues; recorded
  // through the collector's HistogramBatch (ids), complete once it is flushed
  readonly latency = new LogLinearHistogram(QUEUE_HISTOGRAM_BITS);
  readonly wait = new LogLinearHistogram(QUEUE_HISTOGRAM_BITS);
  readonly latencyId: number;
  readonly waitId: number;
  readonly fates = zeroFates();
  /** Deliveries of each live copy in this queue delivered at least once, by msgId. */
  readonly deliveries = new SmallIntMap();
  /** The consumer connection of the last delivery or settlement (one per queue, mostly). */
  consumerName: string | null = null;
  consumer: ConsumerCounts | null = null;

  constructor(w: Nanoseconds, batch: HistogramBatch) {
    this.series = new BinnedQueue(w);
    this.latencyId = batch.register(this.latency);
    this.waitId = batch.register(this.wait);
  }
}

class ExchangeStats {
  readonly published: BinnedCounter;
  readonly unroutable: BinnedCounter;
  constructor(w: Nanoseconds) {
    this.published = new BinnedCounter(w);
    this.unroutable = new BinnedCounter(w);
  }
}

/** Deliveries to and consumptions by one consumer connection. */
interface ConsumerCounts {
  delivered: number;
  consumed: number;
}

class GroupStats {
  readonly busy: BinnedLevel;
  readonly capacity: BinnedLevel;
  instances = 0;
  constructor(w: Nanoseconds) {
    this.busy = new BinnedLevel(w);
    this.capacity = new BinnedLevel(w);
  }
}

/**
 * Subscribes to the model's signals and builds the RunResult (DESIGN.md "Data flow"). The model
 * keeps no statistics; this is the only place counts, depths and latencies are accumulated.
 *
 * Latency is end to end: from PublishedSignal.publishedAt (the client handed the message to its
 * library) to each delivery to a consumer, as RabbitMQ PerfTest measures it. Queue wait is from
 * enqueue to delivery. Confirm latency is from publishedAt to the publisher confirm.
 *
 * Fate conservation (`fates.conserved`): the FateSignals must number exactly the copies started.
 * The model's own ledger count is used when the run passes it (RunMeta.copies); otherwise the
 * count from signals: one copy per PublishedSignal, n - 1 more per RoutedSignal to n queues
 * (exact unless messages were dead-lettered: the signals do not say how many queues a
 * dead-letter exchange routed to).
 */
export class RunCollector {
  private readonly w: Nanoseconds;
  private readonly bucketsPerDecade: number;
  private readonly unsubscribe: (() => void)[] = [];

  private published = 0;
  private publishedBytes = 0;
  private confirmed = 0;
  private nacked = 0;
  private returned = 0;
  private unroutable = 0;
  private delivered = 0;
  private redelivered = 0;
  private consumed = 0;
  private acked = 0;
  private rejected = 0;
  private expired = 0;
  private deadLettered = 0;
  private dropped = 0;
  private lost = 0;
  private channelErrors = 0;
  private enqueued = 0;
  private copiesStarted = 0;
  private duplicates = 0;

  private readonly tPublished: BinnedCounter;
  private readonly tConfirmed: BinnedCounter;
  private readonly tReturned: BinnedCounter;
  private readonly tDelivered: BinnedCounter;
  private readonly tConsumed: BinnedCounter;

  private readonly latency = new LogLinearHistogram();
  private readonly confirmLatency = new LogLinearHistogram();
  private readonly queueWait = new LogLinearHistogram();

  /** Latency of deliveries in the current bin; flushed into the per-bin arrays when a bin ends. */
  private readonly binLatency = new LogLinearHistogram();
  private binLatencyIndex = 0;
  private readonly binP50: (number | null)[] = [];
  private readonly binP95: (number | null)[] = [];
  private readonly binP99: (number | null)[] = [];
  private readonly binCount: number[] = [];

  private readonly queues = new Map<string, QueueStats>();
  /** Per-queue latency and wait values, recorded in batches (see HistogramBatch). */
  private readonly queueHistograms = new HistogramBatch();
  private readonly exchanges = new Map<string, ExchangeStats>();
  private readonly groups = new Map<string, GroupStats>();
  private readonly instances = new Map<string, { group: string; busy: number; capacity: number }>();
  private readonly byPublisher = new Map<string, { n: number }>();
  /** Publishers of the last publishes, not yet in byPublisher (see countPublishers). */
  private readonly publishers: string[] = [];
  private publishersHeld = 0;
  private readonly byConsumer = new Map<string, ConsumerCounts>();
  private readonly byBinding = new Map<string, { n: number }>();
  private readonly bindingSlot = new WeakMap<MatchedBinding, { n: number }>();
  /** Bindings of the last routings, not yet counted (see countBindings). */
  private readonly routedBindings: MatchedBinding[] = [];
  private bindingsHeld = 0;

  private readonly totalFates = zeroFates();
  private readonly unqueuedFates = zeroFates();
  private readonly lostByCause = Object.fromEntries(LOSS_CAUSES.map((c) => [c, 0])) as {
    [C in LossCause]: number;
  };
  private confirmedLost = 0;
  private readonly markers: Marker[] = [];
  private finished = false;

  // the last lookup of each map by name (see queue())
  private lastQueueName: string | null = null;
  private lastQueue: QueueStats | null = null;
  private lastExchangeName: string | null = null;
  private lastExchange: ExchangeStats | null = null;

  constructor(signals: BrokerSignals, options: CollectorOptions) {
    if (!(options.binWidth > 0)) throw new RangeError(`binWidth must be > 0 ns, got ${options.binWidth}`);
    this.w = options.binWidth;
    this.bucketsPerDecade = options.bucketsPerDecade ?? 10;
    this.tPublished = new BinnedCounter(this.w);
    this.tConfirmed = new BinnedCounter(this.w);
    this.tReturned = new BinnedCounter(this.w);
    this.tDelivered = new BinnedCounter(this.w);
    this.tConsumed = new BinnedCounter(this.w);
    const u = this.unsubscribe;
    u.push(signals.published.subscribe((s) => this.onPublished(s)));
    u.push(signals.routed.subscribe((s) => this.onRouted(s)));
    u.push(signals.enqueued.subscribe((s) => this.onEnqueued(s)));
    u.push(signals.delivered.subscribe((s) => this.onDelivered(s)));
    u.push(signals.settled.subscribe((s) => this.onSettled(s)));
    u.push(signals.returned.subscribe((s) => this.onReturned(s)));
    u.push(signals.confirmed.subscribe((s) => this.onConfirmed(s)));
    u.push(signals.expired.subscribe((s) => this.onExpired(s)));
    u.push(signals.deadLettered.subscribe((s) => this.onDeadLettered(s)));
    u.push(signals.dropped.subscribe((s) => this.onDropped(s)));
    u.push(signals.fate.subscribe((s) => this.onFate(s)));
    u.push(signals.channelError.subscribe(() => this.channelErrors++));
    u.push(signals.marker.subscribe((s) => this.onMarker(s)));
    if (options.clientSignals) {
      u.push(options.clientSignals.consumerActivity.subscribe((s) => this.onActivity(s)));
    }
  }

  // --- signal handlers ------------------------------------------------------------------------
  // Each handler finds the time's bin once (bin = floor(time / w)) and passes it on. Lookups by
  // name keep the last hit: three queue signals in four name the queue the previous one named,
  // and a queue's deliveries mostly go to one consumer (a reply queue's caller, a host's server).

  private queue(name: string): QueueStats {
    if (name === this.lastQueueName) return this.lastQueue!;
    let q = this.queues.get(name);
    if (!q) {
      q = new QueueStats(this.w, this.queueHistograms);
      this.queues.set(name, q);
    }
    this.lastQueueName = name;
    this.lastQueue = q;
    return q;
  }

  private exchange(name: string): ExchangeStats {
    if (name === this.lastExchangeName) return this.lastExchange!;
    let e = this.exchanges.get(name);
    if (!e) {
      e = new ExchangeStats(this.w);
      this.exchanges.set(name, e);
    }
    this.lastExchangeName = name;
    this.lastExchange = e;
    return e;
  }

  /** The counts of consumer `name`, which took a delivery from or settled one in queue `q`. */
  private consumerCounts(q: QueueStats, name: string): ConsumerCounts {
    if (name === q.consumerName) return q.consumer!;
    let c = this.byConsumer.get(name);
    if (!c) {
      c = { delivered: 0, consumed: 0 };
      this.byConsumer.set(name, c);
    }
    q.consumerName = name;
    q.consumer = c;
    return c;
  }

  /**
   * The queue's levels after a signal. Callers pass the fields, not the payload: payloads of
   * several signal types here would make the property reads polymorphic.
   */
  private depth(queue: string, time: Nanoseconds, bin: number, ready: number, unacked: number): QueueStats {
    const q = this.queue(queue);
    q.series.set(time, bin, ready, unacked);
    return q;
  }

  private onPublished(s: PublishedSignal): void {
    const bin = Math.floor(s.time / this.w);
    this.published++;
    this.copiesStarted++;
    this.publishedBytes += s.bytes;
    this.tPublished.addToBin(bin);
    this.exchange(s.exchange).published.addToBin(bin);
    this.publishers[this.publishersHeld++] = s.publisher;
    if (this.publishersHeld === BATCH) this.countPublishers();
  }

  /**
   * Count the publishes held in `publishers` by publisher. Looked up at each publish, the Map of
   * thousands of connection names is mostly out of the cache; in a batch it stays in.
   */
  private countPublishers(): void {
    const names = this.publishers;
    let last: string | null = null;
    let p: { n: number } | undefined;
    for (let i = 0; i < this.publishersHeld; i++) {
      const name = names[i]!;
      if (name !== last) {
        p = this.byPublisher.get(name);
        if (p === undefined) {
          p = { n: 0 };
          this.byPublisher.set(name, p);
        }
        last = name;
      }
      p!.n++;
    }
    this.publishersHeld = 0;
  }

  private onRouted(s: RoutedSignal): void {
    if (s.queues.length === 0) {
      this.unroutable++;
      this.exchange(s.exchange).unroutable.add(s.time);
    } else {
      // the publish started one copy; routing to n queues makes n
      this.copiesStarted += s.queues.length - 1;
    }
    const bindings = s.bindings;
    for (let i = 0; i < bindings.length; i++) {
      this.routedBindings[this.bindingsHeld++] = bindings[i]!;
      if (this.bindingsHeld === BATCH) this.countBindings();
    }
  }

  /** Count the routings held in `routedBindings` by binding (batched as countPublishers is). */
  private countBindings(): void {
    const bindings = this.routedBindings;
    let last: MatchedBinding | null = null;
    let slot: { n: number } | undefined;
    for (let i = 0; i < this.bindingsHeld; i++) {
      const b = bindings[i]!;
      if (b !== last) {
        // the model passes its binding objects: count by identity, build the text key once
        slot = this.bindingSlot.get(b);
        if (!slot) {
          const k = bindingKey(b.source, b.destination, b.destinationKind, b.key);
          slot = this.byBinding.get(k);
          if (!slot) {
            slot = { n: 0 };
            this.byBinding.set(k, slot);
          }
          this.bindingSlot.set(b, slot);
        }
        last = b;
      }
      slot!.n++;
    }
    this.bindingsHeld = 0;
  }

  private onEnqueued(s: EnqueuedSignal): void {
    const bin = Math.floor(s.time / this.w);
    this.enqueued++;
    this.depth(s.queue, s.time, bin, s.ready, s.unacked).series.countEnqueued(bin);
  }

  private onDelivered(s: DeliveredSignal): void {
    const time = s.time;
    const bin = Math.floor(time / this.w);
    const q = this.depth(s.queue, time, bin, s.ready, s.unacked);
    this.delivered++;
    q.series.countDelivered(bin);
    this.tDelivered.addToBin(bin);
    // LogLinearHistogram.record's clamp and floor, and each bucket index computed once for the
    // histograms that share it (whole-run latency and this bin's latency)
    const lat = time - s.publishedAt > 0 ? Math.floor(time - s.publishedAt) : 0;
    const latIndex = bucketIndex(lat, DEFAULT_SUB_BITS);
    this.latency.recordInBucket(lat, latIndex);
    this.queueHistograms.add(q.latencyId, lat);
    const wait = time - s.enqueuedAt > 0 ? Math.floor(time - s.enqueuedAt) : 0;
    this.queueWait.recordInBucket(wait, bucketIndex(wait, DEFAULT_SUB_BITS));
    this.queueHistograms.add(q.waitId, wait);
    if (bin !== this.binLatencyIndex) this.flushBinLatency(bin);
    this.binLatency.recordInBucket(lat, latIndex);
    if (s.redelivered) {
      this.redelivered++;
      q.redelivered++;
    }
    // a copy delivered a second time while in the queue is a duplicate (counted once)
    if (q.deliveries.increment(s.msgId) === 2) this.duplicates++;
    const c = this.consumerCounts(q, s.consumer);
    c.delivered++;
    if (s.autoAck) this.countConsumed(q, bin, c);
  }

  private countConsumed(q: QueueStats, bin: number, c: ConsumerCounts): void {
    this.consumed++;
    q.series.countConsumed(bin);
    this.tConsumed.addToBin(bin);
    c.consumed++;
  }

  /** Close the current latency bin and move to bin `next` (bins in between had no deliveries). */
  private flushBinLatency(next: number): void {
    const h = this.binLatency;
    const i = this.binLatencyIndex;
    while (this.binCount.length < i) {
      this.binCount.push(0);
      this.binP50.push(null);
      this.binP95.push(null);
      this.binP99.push(null);
    }
    this.binCount.push(h.count);
    this.binP50.push(h.count ? h.quantile(0.5) / NS_PER_S : null);
    this.binP95.push(h.count ? h.quantile(0.95) / NS_PER_S : null);
    this.binP99.push(h.count ? h.quantile(0.99) / NS_PER_S : null);
    h.reset();
    this.binLatencyIndex = next;
  }

  private onSettled(s: SettledSignal): void {
    const bin = Math.floor(s.time / this.w);
    const q = this.depth(s.queue, s.time, bin, s.ready, s.unacked);
    if (s.kind === "ack") {
      this.acked++;
      q.acked++;
      this.countConsumed(q, bin, this.consumerCounts(q, s.consumer));
    } else {
      this.rejected++;
      q.rejected++;
    }
  }

  private onReturned(s: ReturnedSignal): void {
    this.returned++;
    this.tReturned.add(s.time);
  }

  private onConfirmed(s: ConfirmedSignal): void {
    if (s.ack) {
      this.confirmed++;
      this.tConfirmed.add(s.time);
      this.confirmLatency.record(s.time - s.publishedAt);
    } else {
      this.nacked++;
    }
  }

  private onExpired(s: ExpiredSignal): void {
    this.expired++;
    this.depth(s.queue, s.time, Math.floor(s.time / this.w), s.ready, s.unacked).expired++;
  }

  private onDeadLettered(s: DeadLetteredSignal): void {
    this.deadLettered++;
    this.depth(s.queue, s.time, Math.floor(s.time / this.w), s.ready, s.unacked).deadLettered++;
  }

  private onDropped(s: DroppedSignal): void {
    this.dropped++;
    this.depth(s.queue, s.time, Math.floor(s.time / this.w), s.ready, s.unacked).dropped++;
  }

  private onFate(s: FateSignal): void {
    this.totalFates[s.fate]++;
    if (s.queue === null) {
      this.unqueuedFates[s.fate]++;
    } else {
      const q = this.queue(s.queue);
      q.fates[s.fate]++;
      if (s.fate === "lost") this.lostFromQueue(q, s);
      q.deliveries.take(s.msgId);
    }
    if (s.fate === "lost") {
      this.lost++;
      if (s.lossCause) this.lostByCause[s.lossCause]++;
      if (s.confirmedBeforeLoss) this.confirmedLost++;
    }
  }

  /**
   * A lost copy leaves its queue without a depth signal (node crash, purge, queue deletion), so
   * the levels are estimated: a deleted queue is empty; otherwise the copy came off the unacked
   * count if it had been delivered, else off the ready count. The next signal that carries the
   * queue's depth replaces this estimate with the model's numbers.
   */
  private lostFromQueue(q: QueueStats, s: FateSignal): void {
    let ready = q.series.ready;
    let unacked = q.series.unacked;
    if (s.lossCause === "queue-deleted") {
      ready = 0;
      unacked = 0;
    } else if (q.deliveries.get(s.msgId) !== undefined && unacked > 0) unacked--;
    else if (ready > 0) ready--;
    else if (unacked > 0) unacked--;
    q.series.set(s.time, Math.floor(s.time / this.w), ready, unacked);
  }

  private onMarker(s: EventMarkerSignal): void {
    const m: Marker =
      s.until === undefined
        ? { time: secs(s.time), kind: s.kind, label: s.label }
        : { time: secs(s.time), kind: s.kind, label: s.label, until: secs(s.until) };
    this.markers.push(m);
  }

  private onActivity(s: ConsumerActivitySignal): void {
    let inst = this.instances.get(s.instance);
    let g = this.groups.get(s.group);
    if (!g) {
      g = new GroupStats(this.w);
      this.groups.set(s.group, g);
    }
    if (!inst) {
      inst = { group: s.group, busy: 0, capacity: s.capacity };
      this.instances.set(s.instance, inst);
      g.instances++;
      g.capacity.set(s.time, g.capacity.value + s.capacity);
    }
    g.busy.set(s.time, g.busy.value - inst.busy + s.busy);
    inst.busy = s.busy;
  }

  // --- finish ---------------------------------------------------------------------------------

  /** Stop listening and build the result. Call once, after the run. */
  finish(meta: RunMeta): RunResult {
    if (this.finished) throw new Error("RunCollector.finish called twice");
    this.finished = true;
    for (const u of this.unsubscribe) u();
    const end = meta.endTime;
    const endS = end / NS_PER_S;
    const topo = signalNames(meta.topology ?? EMPTY_TOPOLOGY);
    const nBins = Math.max(1, Math.ceil(end / this.w));
    // width of bin i in ns (the last one may be partial)
    const widths = Array.from({ length: nBins }, (_, i) => Math.max(0, Math.min(this.w, end - i * this.w)));
    // A count's rate in a full bin depends on the count only: a run's thousands of series hold a
    // few hundred distinct counts, and rounding (toPrecision) is the costly part, so keep them.
    const fullBinRates = new Map<number, number>();
    const binRate = (n: number, i: number): number => {
      const width = widths[i]!;
      if (width !== this.w) return r(width > 0 ? n / (width / NS_PER_S) : 0);
      let x = fullBinRates.get(n);
      if (x === undefined) {
        x = r(width > 0 ? n / (width / NS_PER_S) : 0);
        fullBinRates.set(n, x);
      }
      return x;
    };
    const rate = (perBin: ArrayLike<number>): number[] => fold(perBin, nBins, (a, b) => a + b).map(binRate);
    const perSec = (n: number): number => r(endS > 0 ? n / endS : 0);
    const levelMean = (binIntegral: ArrayLike<number>): number[] =>
      fold(binIntegral, nBins, (a, b) => a + b).map((x, i) => r(widths[i]! > 0 ? x / widths[i]! : 0));

    this.queueHistograms.flush();
    for (const q of this.queues.values()) q.series.close(end);
    for (const g of this.groups.values()) {
      g.busy.advance(end);
      g.capacity.advance(end);
    }
    this.flushBinLatency(this.binLatencyIndex + 1);

    const queueNames = sortedUnion(
      this.queues.keys(),
      topo.queues.map((q) => q.name),
    );
    const exchangeNames = sortedUnion(
      this.exchanges.keys(),
      topo.exchanges.map((e) => e.name),
    );
    const groupOf = this.consumerGroupResolver(topo);
    const groupDelivered = new Map<string, number>();
    const groupConsumed = new Map<string, number>();
    for (const [c, n] of this.byConsumer) {
      const g = groupOf(c);
      addTo(groupDelivered, g, n.delivered);
      addTo(groupConsumed, g, n.consumed);
    }
    const groupNames = sortedUnion(
      this.groups.keys(),
      topo.consumers.map((c) => c.name),
    );

    const emptyQ = new QueueStats(this.w, new HistogramBatch(1));
    const emptyE = new ExchangeStats(this.w);

    const summaryQueues: Record<string, unknown> = {};
    const seriesQueues: Record<string, unknown> = {};
    const fateQueues: Record<string, FateCounts> = {};
    for (const name of queueNames) {
      const q = this.queues.get(name) ?? emptyQ;
      summaryQueues[name] = {
        depth: depthSummary(q.series.depthMax, q.series.depthIntegral, q.series.depth, end),
        ready: depthSummary(q.series.readyMax, q.series.readyIntegral, q.series.ready, end),
        unacked: depthSummary(q.series.unackedMax, q.series.unackedIntegral, q.series.unacked, end),
        counts: {
          enqueued: q.series.enqueued,
          delivered: q.series.delivered,
          redelivered: q.redelivered,
          consumed: q.series.consumed,
          acked: q.acked,
          rejected: q.rejected,
          expired: q.expired,
          deadLettered: q.deadLettered,
          dropped: q.dropped,
        },
        throughput: {
          enqueued: perSec(q.series.enqueued),
          delivered: perSec(q.series.delivered),
          consumed: perSec(q.series.consumed),
        },
        latency: latencySummary(q.latency),
        queueWait: latencySummary(q.wait),
      };
      seriesQueues[name] = {
        enqueued: rate(q.series.perBin("enqueued")),
        delivered: rate(q.series.perBin("delivered")),
        consumed: rate(q.series.perBin("consumed")),
        ready: levelMean(q.series.perBin("ready")),
        unacked: levelMean(q.series.perBin("unacked")),
        depthMax: fold(q.series.perBin("depthMax"), nBins, Math.max),
      };
      fateQueues[name] = { ...q.fates };
    }

    const summaryExchanges: Record<string, unknown> = {};
    const seriesExchanges: Record<string, unknown> = {};
    for (const name of exchangeNames) {
      const e = this.exchanges.get(name) ?? emptyE;
      summaryExchanges[name] = {
        published: e.published.total,
        unroutable: e.unroutable.total,
        rate: perSec(e.published.total),
      };
      seriesExchanges[name] = { published: rate(e.published.perBin), unroutable: rate(e.unroutable.perBin) };
    }

    const summaryConsumers: Record<string, unknown> = {};
    const seriesConsumers: Record<string, unknown> = {};
    for (const name of groupNames) {
      const g = this.groups.get(name);
      summaryConsumers[name] = {
        instances: g ? g.instances : 0,
        capacity: g ? g.capacity.value : 0,
        utilisation: g && g.capacity.integral > 0 ? r(g.busy.integral / g.capacity.integral) : 0,
        delivered: groupDelivered.get(name) ?? 0,
        consumed: groupConsumed.get(name) ?? 0,
      };
      const busy = g ? fold(g.busy.binIntegral, nBins, (a, b) => a + b) : new Array<number>(nBins).fill(0);
      const cap = g ? fold(g.capacity.binIntegral, nBins, (a, b) => a + b) : new Array<number>(nBins).fill(0);
      seriesConsumers[name] = { utilisation: busy.map((b, i) => (cap[i]! > 0 ? r(b / cap[i]!) : 0)) };
    }

    const fateTotal = FATES.reduce((a, f) => a + this.totalFates[f], 0);
    const publisherOf = prefixResolver(topo.producers.map((p) => p.name));
    const producerMessages = new Map<string, number>();
    this.countPublishers();
    this.countBindings();
    for (const [p, n] of this.byPublisher) addTo(producerMessages, publisherOf(p), n.n);

    // declared bindings, then bindings only the routing saw (the default exchange's implicit
    // ones, bindings clients declared while running), in key order
    const declared = new Set(
      topo.bindings.map((b) => bindingKey(b.source, b.destination, b.destinationKind, b.key)),
    );
    const observed = [...this.byBinding.keys()].filter((k) => !declared.has(k)).sort(compareText);
    const topology: Topology = {
      exchanges: topo.exchanges.map((e) => ({
        ...e,
        messages: this.exchanges.get(e.name)?.published.total ?? 0,
      })),
      queues: topo.queues.map((q) => ({ ...q, messages: this.queues.get(q.name)?.series.enqueued ?? 0 })),
      bindings: [
        ...topo.bindings.map((b) => ({
          ...b,
          messages: this.byBinding.get(bindingKey(b.source, b.destination, b.destinationKind, b.key))?.n ?? 0,
        })),
        ...observed.map((k) => {
          const [source, destination, kind, key] = k.split("\u0000") as [string, string, string, string];
          return {
            source,
            destination,
            destinationKind: kind as "queue" | "exchange",
            key,
            implicit: true,
            messages: this.byBinding.get(k)!.n,
          };
        }),
      ],
      producers: topo.producers.map((p) => ({ ...p, messages: producerMessages.get(p.name) ?? 0 })),
      consumers: topo.consumers.map((c) => ({ ...c, messages: groupDelivered.get(c.name) ?? 0 })),
    };

    const result: RunResult = {
      format: RESULT_FORMAT,
      version: RESULT_VERSION,
      units: RESULT_UNITS,
      generator: { name: "amqpsim", version: meta.generatorVersion },
      scenario: meta.scenario,
      run: { endTime: r(endS), events: meta.events, stopReason: meta.stopReason },
      summary: {
        counts: {
          published: this.published,
          publishedBytes: this.publishedBytes,
          enqueued: this.enqueued,
          confirmed: this.confirmed,
          nacked: this.nacked,
          returned: this.returned,
          unroutable: this.unroutable,
          delivered: this.delivered,
          redelivered: this.redelivered,
          consumed: this.consumed,
          acked: this.acked,
          rejected: this.rejected,
          expired: this.expired,
          deadLettered: this.deadLettered,
          dropped: this.dropped,
          lost: this.lost,
          channelErrors: this.channelErrors,
        },
        throughput: {
          published: perSec(this.published),
          publishedBytes: perSec(this.publishedBytes),
          enqueued: perSec(this.enqueued),
          confirmed: perSec(this.confirmed),
          returned: perSec(this.returned),
          delivered: perSec(this.delivered),
          consumed: perSec(this.consumed),
          acked: perSec(this.acked),
        },
        latency: latencySummary(this.latency),
        confirmLatency: latencySummary(this.confirmLatency),
        queueWait: latencySummary(this.queueWait),
        queues: summaryQueues as RunResult["summary"]["queues"],
        exchanges: summaryExchanges as RunResult["summary"]["exchanges"],
        consumers: summaryConsumers as RunResult["summary"]["consumers"],
      },
      timeSeries: {
        binWidth: r(this.w / NS_PER_S),
        time: widths.map((_, i) => r((i * this.w) / NS_PER_S)),
        total: {
          published: rate(this.tPublished.perBin),
          confirmed: rate(this.tConfirmed.perBin),
          returned: rate(this.tReturned.perBin),
          delivered: rate(this.tDelivered.perBin),
          consumed: rate(this.tConsumed.perBin),
        },
        exchanges: seriesExchanges as RunResult["timeSeries"]["exchanges"],
        queues: seriesQueues as RunResult["timeSeries"]["queues"],
        latency: {
          count: fold(this.binCount, nBins, (a, b) => a + b),
          p50: padNull(this.binP50, nBins),
          p95: padNull(this.binP95, nBins),
          p99: padNull(this.binP99, nBins),
        },
        consumers: seriesConsumers as RunResult["timeSeries"]["consumers"],
      },
      histograms: {
        latency: this.latency.toData(this.bucketsPerDecade),
        confirmLatency: this.confirmLatency.toData(this.bucketsPerDecade),
        queueWait: this.queueWait.toData(this.bucketsPerDecade),
      },
      fates: {
        total: { ...this.totalFates },
        queues: fateQueues,
        unqueued: { ...this.unqueuedFates },
        lostByCause: { ...this.lostByCause },
        confirmedLost: this.confirmedLost,
        duplicates: this.duplicates,
        redelivered: this.redelivered,
        copies: fateTotal,
        published: this.published,
        conserved: fateTotal === (meta.copies ?? this.copiesStarted),
      },
      markers: this.markers,
      topology,
      ...(meta.rpc ? { rpc: meta.rpc } : {}),
      ...(meta.slo ? { slo: meta.slo } : {}),
      ...(meta.extensions ? { extensions: meta.extensions } : {}),
    };
    return result;
  }

  /** Consumer connection name -> group: the ConsumerActivity instance's group, else by name. */
  private consumerGroupResolver(topo: Topology): (consumer: string) => string {
    const byName = prefixResolver(topo.consumers.map((c) => c.name));
    return (c) => this.instances.get(c)?.group ?? byName(c);
  }
}

const r = roundNumber;

/**
 * Topology names as the signals spell them. The default exchange's name is "" (a builder may
 * label it "(default)"; the report displays "" as "(default exchange)").
 */
function signalNames(t: Topology): Topology {
  const x = (n: string): string =>
    n === "(default)" ? "" : n.endsWith("/(default)") ? n.slice(0, -"(default)".length) : n;
  return {
    ...t,
    exchanges: t.exchanges.map((e) => ({ ...e, name: x(e.name) })),
    bindings: t.bindings.map((b) => ({
      ...b,
      source: x(b.source),
      destination: b.destinationKind === "exchange" ? x(b.destination) : b.destination,
    })),
    producers: t.producers.map((p) => ({ ...p, exchange: x(p.exchange) })),
  };
}
const secs = (t: Nanoseconds): number => r(t / NS_PER_S);

function bindingKey(source: string, destination: string, kind: string, key: string): string {
  return `${source}\u0000${destination}\u0000${kind}\u0000${key}`;
}

function addTo(m: Map<string, number>, k: string, n: number): void {
  m.set(k, (m.get(k) ?? 0) + n);
}

function sortedUnion(a: Iterable<string>, b: Iterable<string>): string[] {
  return [...new Set([...a, ...b])].sort(compareText);
}

/** Code-unit order: locale-independent, so the key order is the same on every machine. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Map a connection name to the scenario name it belongs to: exact match, else the longest name
 * N such that the connection is "N-<suffix>"; unmatched names map to themselves.
 */
function prefixResolver(names: readonly string[]): (conn: string) => string {
  const sorted = [...names].sort((a, b) => b.length - a.length || compareText(a, b));
  const set = new Set(names);
  return (conn) => {
    if (set.has(conn)) return conn;
    for (const n of sorted) if (conn.startsWith(`${n}-`)) return n;
    return conn;
  };
}

/** Take the first n bins; values at index >= n (events at exactly the end time) fold into the last. */
function fold(a: ArrayLike<number>, n: number, combine: (x: number, y: number) => number): number[] {
  const out = new Array<number>(n).fill(0);
  for (let i = 0; i < a.length; i++) {
    const j = Math.min(i, n - 1);
    out[j] = combine(out[j]!, a[i]!);
  }
  return out;
}

function padNull(a: readonly (number | null)[], n: number): (number | null)[] {
  const out: (number | null)[] = [];
  for (let i = 0; i < n; i++) {
    const v = a[i];
    out.push(v === undefined || v === null ? null : r(v));
  }
  return out;
}

/** A level's summary from its max, time integral (level x ns) and final value. */
function depthSummary(max: number, integral: number, final: number, end: Nanoseconds): DepthSummary {
  return { max, mean: end > 0 ? r(integral / end) : final, final };
}

function latencySummary(h: LogLinearHistogram): LatencySummary {
  const s = (ns: number): number => r(ns / NS_PER_S);
  return {
    count: h.count,
    min: s(h.min),
    mean: s(h.mean),
    p50: s(h.quantile(0.5)),
    p75: s(h.quantile(0.75)),
    p95: s(h.quantile(0.95)),
    p99: s(h.quantile(0.99)),
    p999: s(h.quantile(0.999)),
    max: s(h.max),
  };
}
