import type { Action, EventId, Simulator } from "../engine/simulator.js";
import type { Nanoseconds } from "../engine/time.js";

export interface DiskConfig {
  /**
   * How long a write may wait for the next fsync (ns). RabbitMQ queue processes sync on a 25 ms
   * timer (?SYNC_INTERVAL in rabbit_amqqueue_process.erl), so a confirm for a persistent message
   * waits up to this long plus the write itself (docs/confirms.md "when publishes are confirmed").
   */
  readonly fsyncInterval: Nanoseconds;
  /** Fixed cost of one fsync (ns): a few ms for a SATA SSD, ~0.1 ms for NVMe with a write cache. */
  readonly fsyncLatency: Nanoseconds;
  /** Sequential write bandwidth, bytes per second. */
  readonly bandwidth: number;
}

/** Defaults: the 25 ms sync timer, a 1 ms fsync and 200 MB/s (a modest cloud SSD volume). */
export const DEFAULT_DISK: DiskConfig = {
  fsyncInterval: 25_000_000,
  fsyncLatency: 1_000_000,
  bandwidth: 200_000_000,
};

interface Batch {
  bytes: number;
  actions: Action<unknown>[];
  args: unknown[];
}

/**
 * A node's disk with batched fsync. The first write into an empty batch starts the sync timer;
 * when it fires, the batch is written (fsyncLatency + bytes / bandwidth) and every callback in it
 * runs once the write completes. A batch that is due while the previous one is still being written
 * waits for it (one writer), so under overload confirm latency grows with the write backlog.
 */
export class Disk {
  private pending: Batch = { bytes: 0, actions: [], args: [] };
  private timer: EventId | null = null;
  private writing = false;
  private due = false;
  private epoch = 0;
  /** Bytes written and fsyncs done since start (for reports). */
  bytesWritten = 0;
  syncs = 0;
  /**
   * Writes made at or before this time are on disk: when the last completed batch was closed
   * (flushNow makes it "now"). Not cleared by a crash: the disk keeps what was synced.
   */
  syncedCutoff = -1;

  constructor(
    private readonly sim: Simulator,
    private config: DiskConfig,
    /** Marks the node's code as running while sync callbacks run (see RunningOn in cpu.ts). */
    private readonly enter: (run: () => void) => void = (run) => run(),
  ) {}

  /** Replace the configuration (a slow-disk fault); applies from the next batch. */
  configure(config: DiskConfig): void {
    this.config = config;
  }

  get settings(): DiskConfig {
    return this.config;
  }

  write<A>(bytes: number, action: Action<A>, arg: A): void {
    const b = this.pending;
    b.bytes += bytes;
    b.actions.push(action as Action<unknown>);
    b.args.push(arg);
    if (this.timer === null && !this.due)
      this.timer = this.sim.schedule(this.config.fsyncInterval, this.tick);
  }

  /** Discard unsynced writes (node crash): their callbacks never run. */
  reset(): void {
    if (this.timer !== null) this.sim.cancel(this.timer);
    this.timer = null;
    this.pending = { bytes: 0, actions: [], args: [] };
    this.writing = false;
    this.due = false;
    this.epoch++;
  }

  /** Write what is pending now (graceful shutdown flushes before stopping). Runs callbacks at once. */
  flushNow(): void {
    const b = this.pending;
    this.pending = { bytes: 0, actions: [], args: [] };
    if (this.timer !== null) this.sim.cancel(this.timer);
    this.timer = null;
    this.due = false;
    this.bytesWritten += b.bytes;
    this.syncedCutoff = this.sim.now;
    for (let i = 0; i < b.actions.length; i++) b.actions[i]!(b.args[i]);
  }

  private readonly tick = (): void => {
    this.timer = null;
    if (this.writing) {
      this.due = true;
      return;
    }
    this.startWrite();
  };

  private startWrite(): void {
    const b = this.pending;
    this.pending = { bytes: 0, actions: [], args: [] };
    this.writing = true;
    this.due = false;
    const writeTime = this.config.fsyncLatency + Math.round((b.bytes / this.config.bandwidth) * 1e9);
    this.sim.schedule(writeTime, this.synced, { batch: b, epoch: this.epoch, closedAt: this.sim.now });
  }

  private readonly synced = (w: { batch: Batch; epoch: number; closedAt: number }): void => {
    if (w.epoch !== this.epoch) return;
    this.writing = false;
    this.syncedCutoff = w.closedAt;
    this.syncs++;
    this.bytesWritten += w.batch.bytes;
    const { actions, args } = w.batch;
    this.enter(() => {
      for (let i = 0; i < actions.length; i++) actions[i]!(args[i]);
    });
    if (this.due && w.epoch === this.epoch) this.startWrite();
  };
}
