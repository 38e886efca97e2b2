import type { Nanoseconds } from "../engine/time.js";

/**
 * Fixed-width time bins from time 0: bin i covers [i * width, (i + 1) * width) ns. Arrays grow
 * on demand, so the run length need not be known in advance. Times must not go backwards
 * (signals arrive in simulated-time order).
 */

/** Events counted per bin. */
export class BinnedCounter {
  readonly perBin: number[] = [];
  total = 0;

  constructor(private readonly width: Nanoseconds) {}

  add(time: Nanoseconds, n = 1): void {
    this.addToBin(Math.floor(time / this.width), n);
  }

  /** add() with the bin already found: `bin` = floor(time / width). */
  addToBin(bin: number, n = 1): void {
    const a = this.perBin;
    while (a.length <= bin) a.push(0);
    a[bin]! += n;
    this.total += n;
  }
}

/**
 * A level that changes at instants (queue depth, busy handlers): its time integral overall and
 * per bin (for time-weighted means), its maximum overall and per bin. Cost per set(): O(1) plus
 * one step per bin boundary crossed since the previous change.
 */
export class BinnedLevel {
  /** Integral of the level over each bin, level x ns. */
  readonly binIntegral: number[] = [];
  /** Max level seen in each bin (the level held on entering it counts). */
  readonly binMax: number[] = [];
  integral = 0;
  max = 0;
  private level = 0;
  private last: Nanoseconds = 0;

  constructor(private readonly width: Nanoseconds) {}

  get value(): number {
    return this.level;
  }

  /** The level becomes `value` at `time`. */
  set(time: Nanoseconds, value: number): void {
    this.advance(time);
    this.level = value;
    if (value > this.max) this.max = value;
    const b = Math.floor(time / this.width);
    this.ensure(b);
    if (value > this.binMax[b]!) this.binMax[b] = value;
  }

  /** Integrate the current level up to `time` (call with the end time before reading). */
  advance(time: Nanoseconds): void {
    let t = this.last;
    if (time <= t) {
      this.ensure(Math.floor(t / this.width));
      return;
    }
    const v = this.level;
    while (t < time) {
      const b = Math.floor(t / this.width);
      const end = Math.min(time, (b + 1) * this.width);
      this.ensure(b);
      this.binIntegral[b]! += v * (end - t);
      if (v > this.binMax[b]!) this.binMax[b] = v;
      t = end;
    }
    this.integral += v * (time - this.last);
    this.last = time;
  }

  private ensure(b: number): void {
    while (this.binIntegral.length <= b) {
      this.binIntegral.push(0);
      this.binMax.push(0);
    }
  }
}

/**
 * One queue's time series: what three BinnedLevels (ready, unacked, and depth = their sum) and
 * three BinnedCounters (enqueued, delivered, consumed) would give, keeping only what the result
 * reads (ready and unacked: per-bin integrals, integral, max; depth: per-bin max, integral, max).
 *
 * Every queue signal updates a queue's series: millions of times in a long run, spread over
 * thousands of queues. So the caller finds the bin once per signal, and the sums of the bin the
 * queue last changed in stay in fields until a later bin begins: a signal touches this object only,
 * not six arrays. Each sum is built in the same order as the arrays' elements would be, so every
 * number is the one BinnedLevel and BinnedCounter give.
 *
 * Counts must follow a set() at the same time (a queue's counts change with its levels): a count
 * is then in the bin the levels last changed in, or (time going back) in an earlier one.
 */
export class BinnedQueue {
  /**
   * The six per-bin numbers of bin b at [b * COLUMNS + column]: a bin's numbers are written
   * together. Zero-filled; its capacity doubles as bins are reached (one allocation per doubling,
   * not six arrays grown element by element).
   */
  private bins = NO_BINS;
  /** Bins written so far: the per-bin arrays' length. */
  private used = 0;
  readyIntegral = 0;
  unackedIntegral = 0;
  depthIntegral = 0;
  readyMax = 0;
  unackedMax = 0;
  depthMax = 0;
  ready = 0;
  unacked = 0;
  /** Totals of the counts. */
  enqueued = 0;
  delivered = 0;
  consumed = 0;
  private last: Nanoseconds = 0;
  /** floor(last / width): the bin of the sums below, not yet in the arrays. */
  private bin = 0;
  private binReady = 0;
  private binUnacked = 0;
  private binDepthMax = 0;
  private binEnqueued = 0;
  private binDelivered = 0;
  private binConsumed = 0;

  constructor(private readonly width: Nanoseconds) {}

  get depth(): number {
    return this.ready + this.unacked;
  }

  /** The levels become `ready` and `unacked` at `time`; `bin` must be floor(time / width). */
  set(time: Nanoseconds, bin: number, ready: number, unacked: number): void {
    const dt = time - this.last;
    if (dt > 0) {
      if (bin === this.bin) {
        // BinnedLevel.set's arithmetic when the level last changed in this bin: one slice
        const r = this.ready;
        const u = this.unacked;
        const d = r + u;
        this.binReady += r * dt;
        this.binUnacked += u * dt;
        if (d > this.binDepthMax) this.binDepthMax = d;
        this.readyIntegral += r * dt;
        this.unackedIntegral += u * dt;
        this.depthIntegral += d * dt;
        this.last = time;
      } else this.advance(time);
    }
    this.ready = ready;
    this.unacked = unacked;
    const d = ready + unacked;
    if (ready > this.readyMax) this.readyMax = ready;
    if (unacked > this.unackedMax) this.unackedMax = unacked;
    if (d > this.depthMax) this.depthMax = d;
    if (bin === this.bin) {
      if (d > this.binDepthMax) this.binDepthMax = d;
    } else {
      // time went back into an earlier bin, whose numbers are in the arrays already
      const i = this.slot(bin) + DEPTH_MAX;
      if (d > this.bins[i]!) this.bins[i] = d;
    }
  }

  countEnqueued(bin: number): void {
    this.enqueued++;
    if (bin === this.bin) this.binEnqueued++;
    else this.bins[this.slot(bin) + ENQUEUED]!++;
  }

  countDelivered(bin: number): void {
    this.delivered++;
    if (bin === this.bin) this.binDelivered++;
    else this.bins[this.slot(bin) + DELIVERED]!++;
  }

  countConsumed(bin: number): void {
    this.consumed++;
    if (bin === this.bin) this.binConsumed++;
    else this.bins[this.slot(bin) + CONSUMED]!++;
  }

  /** Integrate the levels up to `time` (BinnedLevel.advance for the three). */
  advance(time: Nanoseconds): void {
    let t = this.last;
    if (time <= t) return;
    const w = this.width;
    const r = this.ready;
    const u = this.unacked;
    const d = r + u;
    for (;;) {
      // t is in this.bin
      const end = Math.min(time, (this.bin + 1) * w);
      this.binReady += r * (end - t);
      this.binUnacked += u * (end - t);
      if (d > this.binDepthMax) this.binDepthMax = d;
      t = end;
      if (t >= time) break;
      this.moveTo(Math.floor(t / w));
    }
    this.readyIntegral += r * (time - this.last);
    this.unackedIntegral += u * (time - this.last);
    this.depthIntegral += d * (time - this.last);
    this.last = time;
    const b = Math.floor(time / w);
    if (b !== this.bin) this.moveTo(b);
  }

  /** Integrate up to `end` and put the last bin's sums in the arrays. */
  close(end: Nanoseconds): void {
    this.advance(end);
    this.moveTo(this.bin);
  }

  /** Put the sums of the current bin in the arrays and start bin `next` at zero. */
  private moveTo(next: number): void {
    const b = this.bin;
    const i = this.slot(b);
    const a = this.bins;
    // an integral's element is written once, from 0: 0 + sum is the sum BinnedLevel would hold
    a[i + READY]! += this.binReady;
    a[i + UNACKED]! += this.binUnacked;
    if (this.binDepthMax > a[i + DEPTH_MAX]!) a[i + DEPTH_MAX] = this.binDepthMax;
    a[i + ENQUEUED]! += this.binEnqueued;
    a[i + DELIVERED]! += this.binDelivered;
    a[i + CONSUMED]! += this.binConsumed;
    this.bin = next;
    this.binReady = 0;
    this.binUnacked = 0;
    this.binDepthMax = 0;
    this.binEnqueued = 0;
    this.binDelivered = 0;
    this.binConsumed = 0;
  }

  /** Index of bin `bin`'s first number in `bins`, which grows to hold it. */
  private slot(bin: number): number {
    if (bin >= this.used) {
      this.used = bin + 1;
      if (this.used * COLUMNS > this.bins.length) {
        const grown = new Float64Array(Math.max(32, this.used, 2 * (this.bins.length / COLUMNS)) * COLUMNS);
        grown.set(this.bins);
        this.bins = grown;
      }
    }
    return bin * COLUMNS;
  }

  /**
   * One per-bin series (a copy, bins 0 .. the last written; call after close()): ready and unacked
   * integrals (level x ns), depth max, counts.
   */
  perBin(series: BinnedQueueSeries): Float64Array {
    const c = COLUMN_OF[series];
    const out = new Float64Array(this.used);
    for (let b = 0; b < this.used; b++) out[b] = this.bins[b * COLUMNS + c]!;
    return out;
  }
}

// BinnedQueue's columns
const READY = 0;
const UNACKED = 1;
const DEPTH_MAX = 2;
const ENQUEUED = 3;
const DELIVERED = 4;
const CONSUMED = 5;
const COLUMNS = 6;
const NO_BINS = new Float64Array(0);
const COLUMN_OF = {
  ready: READY,
  unacked: UNACKED,
  depthMax: DEPTH_MAX,
  enqueued: ENQUEUED,
  delivered: DELIVERED,
  consumed: CONSUMED,
} as const;
export type BinnedQueueSeries = keyof typeof COLUMN_OF;
