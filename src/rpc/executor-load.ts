import type { Nanoseconds } from "../engine/time.js";

/** What an executor-load accumulator needs of the simulator: the current simulated time. */
export interface Clock {
  readonly now: Nanoseconds;
}

/**
 * Executor-thread load of one RPC service, all its processes together: threads busy and requests
 * waiting for a thread (the executor's unbounded backlog), integrated over simulated time per
 * metrics bin. Executors report each change with `change()`: a comparison and two multiply-adds,
 * no signal payload and no per-event object, so the 1,000-host runs pay next to nothing for it.
 * Read once at the end of the run (`finish`).
 */
export class ServiceLoad {
  /** Threads busy now (holding a request, including one blocked in a nested call). */
  busy = 0;
  /** Requests delivered and acked, waiting for a free thread. */
  waiting = 0;
  /** Executor threads of every process of the service (the capacity). */
  threads = 0;
  processes = 0;
  /** Largest backlog of the service's processes together. */
  maxWaiting = 0;
  private last: Nanoseconds = 0;
  private bin = 0;
  private binEnd: Nanoseconds;
  /** Busy thread·ns per bin. */
  private readonly busyNs: number[] = [0];
  /** Waiting request·ns per bin. */
  private readonly waitNs: number[] = [0];
  /** Largest backlog within each bin. */
  private readonly waitMax: number[] = [0];

  constructor(
    private readonly clock: Clock,
    /** Width of a metrics bin, ns (the run's time-series bin). */
    readonly binWidth: Nanoseconds,
  ) {
    if (!(binWidth > 0)) throw new RangeError(`bin width must be positive, got ${binWidth}`);
    this.binEnd = binWidth;
  }

  /** One executor's busy threads changed by `dBusy` and its backlog by `dWaiting`, now. */
  change(dBusy: number, dWaiting: number): void {
    const now = this.clock.now;
    if (now !== this.last) this.advance(now);
    this.busy += dBusy;
    this.waiting += dWaiting;
    if (dWaiting > 0) {
      if (this.waiting > this.waitMax[this.bin]!) this.waitMax[this.bin] = this.waiting;
      if (this.waiting > this.maxWaiting) this.maxWaiting = this.waiting;
    }
  }

  /** Integrate the current levels up to `now`, opening bins as their start passes. */
  private advance(now: Nanoseconds): void {
    while (now >= this.binEnd) {
      const dt = this.binEnd - this.last;
      this.busyNs[this.bin]! += this.busy * dt;
      this.waitNs[this.bin]! += this.waiting * dt;
      this.last = this.binEnd;
      this.bin++;
      this.binEnd += this.binWidth;
      this.busyNs.push(0);
      this.waitNs.push(0);
      this.waitMax.push(this.waiting);
    }
    const dt = now - this.last;
    this.busyNs[this.bin]! += this.busy * dt;
    this.waitNs[this.bin]! += this.waiting * dt;
    this.last = now;
  }

  /**
   * Per-bin figures over [0, end): utilisation = busy threads / threads, time-weighted; backlog =
   * time-weighted mean of requests waiting; backlogMax = the largest backlog in the bin. Bins are
   * those of the run's time series (ceil(end / binWidth), the last one possibly partial); a change
   * at exactly `end` folds into the last bin. Whole-run means alongside.
   */
  finish(end: Nanoseconds): {
    readonly utilisation: number[];
    readonly backlog: number[];
    readonly backlogMax: number[];
    readonly meanUtilisation: number;
    readonly meanBacklog: number;
  } {
    if (end > this.last) this.advance(end);
    const n = Math.max(1, Math.ceil(end / this.binWidth));
    const utilisation: number[] = [];
    const backlog: number[] = [];
    const backlogMax: number[] = [];
    let busyAll = 0;
    let waitAll = 0;
    for (let i = 0; i < n; i++) {
      let busy = this.busyNs[i] ?? 0;
      let wait = this.waitNs[i] ?? 0;
      let max = this.waitMax[i] ?? this.waiting;
      if (i === n - 1) {
        for (let j = n; j < this.busyNs.length; j++) {
          busy += this.busyNs[j]!;
          wait += this.waitNs[j]!;
          max = Math.max(max, this.waitMax[j]!);
        }
      }
      busyAll += busy;
      waitAll += wait;
      const width = Math.max(0, Math.min(this.binWidth, end - i * this.binWidth));
      utilisation.push(width > 0 && this.threads > 0 ? busy / (width * this.threads) : 0);
      backlog.push(width > 0 ? wait / width : 0);
      backlogMax.push(max);
    }
    return {
      utilisation,
      backlog,
      backlogMax,
      meanUtilisation: end > 0 && this.threads > 0 ? busyAll / (end * this.threads) : 0,
      meanBacklog: end > 0 ? waitAll / end : 0,
    };
  }
}
