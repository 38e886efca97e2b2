/**
 * Memory accounting for one node against RabbitMQ's high watermark. Message bodies and per-message
 * overhead held by queues count; the Erlang VM's own footprint is `baseline`. Crossing
 * `highWatermark * ram` raises the node's memory alarm; falling back under it clears the alarm.
 * (RabbitMQ pages messages out before the alarm; this model does not, so it raises the alarm at
 * the documented threshold and leaves paging to a future model.) Sources: docs/memory.md,
 * docs/alarms.md.
 */
export interface MemoryConfig {
  /** Installed RAM, bytes. */
  readonly ram: number;
  /**
   * vm_memory_high_watermark as a fraction of RAM: 0.4 up to RabbitMQ 3.13, 0.6 from 4.0
   * (docs/memory.md; the reference's §F quotes the 4.x value).
   */
  readonly highWatermark: number;
  /** Memory in use before any message, bytes (an idle node uses on the order of 100 MB). */
  readonly baseline: number;
  /**
   * How often the node compares its memory use with the watermark, ns (vm_memory_monitor polls;
   * 0 = on every change). Polling is what lets a blocked cluster drain for a while before the
   * alarm clears, instead of flapping on every message.
   */
  readonly checkInterval: number;
}

export const DEFAULT_MEMORY: MemoryConfig = {
  ram: 4 * 1024 ** 3,
  highWatermark: 0.4,
  baseline: 100 * 1024 ** 2,
  // vm_memory_monitor's default polling interval (memory_monitor_interval, 2500 ms)
  checkInterval: 2_500_000_000,
};

/** The watermark default for a broker version string such as "3.13" or "4.0". */
export function defaultWatermark(version: string): number {
  const major = Number.parseInt(version, 10);
  return Number.isFinite(major) && major >= 4 ? 0.6 : 0.4;
}

export class NodeMemory {
  private held = 0;
  private alarmed = false;
  private polling = false;

  constructor(
    private config: MemoryConfig,
    /** Called with true when the alarm is raised, false when it clears. */
    private readonly onChange: (alarmed: boolean) => void,
    /** Starts polling: called once, on the first change, when checkInterval > 0. */
    private readonly startPolling: (interval: number, poll: () => void) => void = () => {},
  ) {}

  get used(): number {
    return this.config.baseline + this.held;
  }

  get limit(): number {
    return this.config.highWatermark * this.config.ram;
  }

  get alarm(): boolean {
    return this.alarmed;
  }

  hold(bytes: number): void {
    this.held += bytes;
    this.check();
  }

  release(bytes: number): void {
    this.held = Math.max(0, this.held - bytes);
    this.check();
  }

  /** Forget everything held (the node restarted with empty memory). */
  reset(): void {
    this.held = 0;
    if (!this.polling) this.poll(); // a running poll sees it at its next tick
  }

  configure(config: MemoryConfig): void {
    this.config = config;
    this.check();
  }

  private check(): void {
    if (this.config.checkInterval > 0) {
      if (!this.polling) {
        this.polling = true;
        this.startPolling(this.config.checkInterval, this.poll);
      }
      return;
    }
    this.poll();
  }

  /** Compare memory use with the watermark now. */
  readonly poll = (): void => {
    const over = this.used > this.limit;
    if (over !== this.alarmed) {
      this.alarmed = over;
      this.onChange(over);
    }
  };
}
