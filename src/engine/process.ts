import type { EventId, Simulator } from "./simulator.js";
import type { Nanoseconds } from "./time.js";

/**
 * A SimPy-style process: a generator that yields delays in nanoseconds and is resumed after each.
 *
 *   spawn(sim, (function* () { for (;;) { yield gap.sample(rng); send(); } })());
 *
 * The amqpsim model itself is written as explicit state machines (callbacks scheduled with an
 * `arg`, see Simulator.schedule) because resuming a generator costs an extra call frame and an
 * iterator result object per step (measured by `npm run bench -- engine`, "actor styles").
 * Processes are for scripts, tests and teaching material where readability wins.
 */
export type ProcessBody = Generator<Nanoseconds, void, void>;

export interface ProcessHandle {
  /** True once the generator has returned or the process was killed. */
  readonly done: boolean;
  /** Stop the process: its pending wake-up is cancelled (O(1)) and the generator is closed. */
  kill(): void;
}

class Process implements ProcessHandle {
  done = false;
  private wakeup: EventId | undefined;

  constructor(
    private readonly sim: Simulator,
    private readonly body: ProcessBody,
  ) {}

  step(): void {
    this.wakeup = undefined;
    const r = this.body.next();
    if (r.done === true) {
      this.done = true;
      return;
    }
    this.wakeup = this.sim.schedule(r.value, resume, this);
  }

  kill(): void {
    if (this.done) return;
    this.done = true;
    if (this.wakeup !== undefined) this.sim.cancel(this.wakeup);
    this.body.return();
  }
}

function resume(p: Process): void {
  p.step();
}

/** Start `body` now: it runs until its first yield during this call, then after each yielded delay. */
export function spawn(sim: Simulator, body: ProcessBody): ProcessHandle {
  const p = new Process(sim, body);
  p.step();
  return p;
}
