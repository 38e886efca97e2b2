import { MAX_TIME, type Nanoseconds } from "./time.js";

/** A scheduled action. `arg` is passed back so hot paths can schedule without allocating closures. */
export type Action<A = unknown> = (arg: A) => void;

/**
 * Handle of a scheduled event: encodes (slot, generation) so a stale handle cannot cancel a later
 * event that reuses the slot. Opaque to callers.
 */
export type EventId = number;

export type StopReason = "empty" | "until" | "stopped" | "event-cap" | "time-cap";

export interface RunOutcome {
  readonly reason: StopReason;
  /** Simulated time when the run stopped. */
  readonly now: Nanoseconds;
  /** Events executed during this call to run(). */
  readonly events: number;
  /** For caps and explicit stops: a sentence for the user. */
  readonly message?: string;
}

export interface RunOptions {
  /** Run events with time <= until, then set the clock to until. */
  readonly until?: Nanoseconds;
  /** Runaway guard: stop after this many events in this call. */
  readonly maxEvents?: number;
}

const SLOT_BITS = 2 ** 24; // up to 16.7 M pending events
const NO_ACTION: Action = () => {};

/**
 * The discrete-event engine: a simulated clock and an event queue ordered by (time, sequence),
 * so events at equal times run in the order they were scheduled (as SimPy and ns-3 do).
 *
 * Events live in slots of parallel typed arrays (time, sequence, generation); the heap orders slot
 * indices. Costs: schedule O(log n), cancel O(1) (the slot is marked and skipped when it reaches the
 * top), pop O(log n). No allocation per event beyond the caller's action and argument.
 */
export class Simulator {
  private clock: Nanoseconds = 0;
  private seqCounter = 0;
  private stopRequested: string | undefined;
  private executed = 0;

  // slot storage
  private times = new Float64Array(1024);
  private seqs = new Float64Array(1024);
  private gens = new Uint32Array(1024);
  private actions: (Action<never> | null)[] = new Array(1024).fill(null);
  private args: unknown[] = new Array(1024).fill(undefined);
  private freeSlots: number[] = [];
  private nextSlot = 0;

  // 4-ary heap of slot indices
  private heap = new Int32Array(1024);
  private size = 0;
  private liveCount = 0;

  /** Current simulated time in nanoseconds. */
  get now(): Nanoseconds {
    return this.clock;
  }

  /** Events executed since the simulator was created. */
  get eventsExecuted(): number {
    return this.executed;
  }

  /** Events scheduled and not yet run or cancelled. */
  get pending(): number {
    return this.liveCount;
  }

  /** Schedule `action(arg)` after `delay` ns (>= 0) from now. */
  schedule<A>(delay: Nanoseconds, action: Action<A>, arg?: A): EventId {
    if (!(delay >= 0)) throw new RangeError(`schedule: delay must be >= 0 ns, got ${delay}`);
    return this.scheduleAt(this.clock + delay, action, arg);
  }

  /** Schedule `action(arg)` at absolute simulated time `time` (>= now). */
  scheduleAt<A>(time: Nanoseconds, action: Action<A>, arg?: A): EventId {
    if (!(time >= this.clock)) {
      throw new RangeError(`scheduleAt: time ${time} ns is before now (${this.clock} ns)`);
    }
    if (time > MAX_TIME)
      throw new RangeError(`scheduleAt: time ${time} ns is past the last representable time`);
    const slot = this.allocSlot();
    this.times[slot] = time;
    this.seqs[slot] = this.seqCounter++;
    this.actions[slot] = action as Action<never>;
    this.args[slot] = arg;
    this.push(slot);
    this.liveCount++;
    return this.gens[slot]! * SLOT_BITS + slot;
  }

  /** Cancel a pending event in O(1). Returns false if it already ran or was cancelled. */
  cancel(id: EventId): boolean {
    const slot = id % SLOT_BITS;
    const gen = (id - slot) / SLOT_BITS;
    if (slot >= this.nextSlot || this.gens[slot] !== gen || this.actions[slot] === null) return false;
    this.actions[slot] = NO_ACTION as Action<never>;
    this.args[slot] = undefined;
    this.gens[slot] = (this.gens[slot]! + 1) >>> 0; // stale handles no longer match
    this.liveCount--;
    return true;
  }

  /** Ask the running loop to stop after the current event. */
  stop(reason = "stopped by the model"): void {
    this.stopRequested = reason;
  }

  /** Run events until none remain, `until` is reached, stop() is called, or a cap is hit. */
  run(options: RunOptions = {}): RunOutcome {
    const until = options.until ?? Number.POSITIVE_INFINITY;
    const maxEvents = options.maxEvents ?? Number.POSITIVE_INFINITY;
    this.stopRequested = undefined;
    let events = 0;
    const times = this.times;
    while (this.size > 0) {
      const slot = this.heap[0]!;
      const t = times[slot]!;
      if (t > until) break;
      if (events >= maxEvents) {
        return {
          reason: "event-cap",
          now: this.clock,
          events,
          message: `stopped after the event cap of ${maxEvents} events at t=${this.clock} ns (raise maxEvents if the run is meant to be this long)`,
        };
      }
      this.popTop();
      const action = this.actions[slot]!;
      const arg = this.args[slot];
      const cancelled = action === NO_ACTION;
      this.actions[slot] = null;
      this.args[slot] = undefined;
      if (!cancelled) this.gens[slot] = (this.gens[slot]! + 1) >>> 0;
      this.freeSlots.push(slot);
      if (cancelled) continue;
      this.liveCount--;
      this.clock = t;
      events++;
      this.executed++;
      (action as Action<unknown>)(arg);
      if (this.stopRequested !== undefined) {
        return { reason: "stopped", now: this.clock, events, message: this.stopRequested };
      }
    }
    if (until !== Number.POSITIVE_INFINITY && this.clock < until) {
      this.clock = until;
      return { reason: "until", now: this.clock, events };
    }
    if (this.size > 0) return { reason: "until", now: this.clock, events };
    return { reason: "empty", now: this.clock, events };
  }

  private allocSlot(): number {
    const free = this.freeSlots.pop();
    if (free !== undefined) return free;
    const slot = this.nextSlot++;
    if (slot >= this.times.length) this.grow();
    return slot;
  }

  private grow(): void {
    const n = this.times.length * 2;
    if (n > SLOT_BITS) throw new RangeError(`more than ${SLOT_BITS} pending events`);
    const times = new Float64Array(n);
    times.set(this.times);
    this.times = times;
    const seqs = new Float64Array(n);
    seqs.set(this.seqs);
    this.seqs = seqs;
    const gens = new Uint32Array(n);
    gens.set(this.gens);
    this.gens = gens;
    const heap = new Int32Array(n);
    heap.set(this.heap);
    this.heap = heap;
    for (let i = this.actions.length; i < n; i++) {
      this.actions.push(null);
      this.args.push(undefined);
    }
  }

  private less(a: number, b: number): boolean {
    const ta = this.times[a]!;
    const tb = this.times[b]!;
    return ta < tb || (ta === tb && this.seqs[a]! < this.seqs[b]!);
  }

  private push(slot: number): void {
    const heap = this.heap;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 2;
      const p = heap[parent]!;
      if (!this.less(slot, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = slot;
  }

  private popTop(): void {
    const heap = this.heap;
    const last = heap[--this.size]!;
    const n = this.size;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= n) break;
      let best = first;
      const end = Math.min(first + 4, n);
      for (let c = first + 1; c < end; c++) if (this.less(heap[c]!, heap[best]!)) best = c;
      if (!this.less(heap[best]!, last)) break;
      heap[i] = heap[best]!;
      i = best;
    }
    heap[i] = last;
  }
}
