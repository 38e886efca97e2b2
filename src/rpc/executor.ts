import type { ServiceLoad } from "./executor-load.js";

/**
 * futurist's ThreadPoolExecutor as oslo.messaging uses it: `max_workers` threads and an UNBOUNDED
 * work queue (`futurist/_futures.py`, reference §1.5 server step 3). With prefetch 0 the broker
 * hands over every request at once, so a backlog builds here, in process memory, not in the queue.
 *
 * A task holds its thread until it calls `executor.release()` (a thread blocked in a nested RPC
 * call stays busy, as in the real driver).
 */
export class Executor {
  private busyCount = 0;
  private backlog: (() => void)[] = [];
  private head = 0;
  /** Largest backlog seen (requests waiting for a thread). */
  maxBacklog = 0;

  constructor(
    readonly threads: number,
    /** The service's load accumulator, told of every change of busy threads and backlog. */
    private readonly load: ServiceLoad | null = null,
  ) {
    if (!(threads >= 1)) throw new RangeError(`executor needs at least 1 thread, got ${threads}`);
    if (load !== null) {
      load.threads += threads;
      load.processes++;
    }
  }

  get busy(): number {
    return this.busyCount;
  }

  get waiting(): number {
    return this.backlog.length - this.head;
  }

  /** Run `task` now if a thread is free, else when one is. */
  submit(task: () => void): void {
    if (this.busyCount < this.threads) {
      this.busyCount++;
      this.load?.change(1, 0);
      task();
      return;
    }
    this.backlog.push(task);
    this.load?.change(0, 1);
    const w = this.backlog.length - this.head;
    if (w > this.maxBacklog) this.maxBacklog = w;
  }

  /** The process died: every thread is free and the queued tasks are gone. */
  reset(): void {
    this.load?.change(-this.busyCount, -this.waiting);
    this.busyCount = 0;
    this.backlog = [];
    this.head = 0;
  }

  /** The running task is done: its thread takes the oldest waiting task, if any. */
  release(): void {
    if (this.head < this.backlog.length) {
      const next = this.backlog[this.head]!;
      this.head++;
      if (this.head > 1024 && this.head * 2 > this.backlog.length) {
        this.backlog = this.backlog.slice(this.head);
        this.head = 0;
      }
      this.load?.change(0, -1);
      next();
      return;
    }
    this.busyCount--;
    this.load?.change(-1, 0);
  }
}

/**
 * A single CPU shared by a process's threads: CPython's GIL lets one thread compute at a time, so
 * CPU-bound work of one process is served first come, first served whatever the thread count.
 */
export class ProcessCpu {
  private freeAt = 0;

  /** The time at which work of `duration` ns submitted at `now` finishes. */
  reserve(now: number, duration: number): number {
    const start = Math.max(this.freeAt, now);
    this.freeAt = start + duration;
    return this.freeAt;
  }
}
