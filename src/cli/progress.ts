import { formatDuration } from "../engine/units.js";

/**
 * A one-line progress bar on a terminal (stderr) for runs that last more than a second of wall
 * time: simulated time reached, events per second, ETA. Silent when stderr is not a TTY, so logs
 * and pipes stay clean. The only wall-clock reads of the program are here and in the run
 * command's timing line, never inside the model.
 */
export class ProgressBar {
  private readonly started = performance.now();
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly enabled = Boolean(process.stderr.isTTY),
    /** Wall milliseconds before the bar appears. */
    private readonly delayMs = 1000,
  ) {}

  update(now: number, end: number, events: number): void {
    if (!this.enabled) return;
    const wall = performance.now();
    const elapsed = wall - this.started;
    if (elapsed < this.delayMs || wall - this.lastDraw < 100) return;
    this.lastDraw = wall;
    const frac = end > 0 ? Math.min(1, now / end) : 1;
    const width = 30;
    const filled = Math.round(frac * width);
    const rate = events / (elapsed / 1000);
    const eta = frac > 0 ? (elapsed * (1 - frac)) / frac / 1000 : Number.POSITIVE_INFINITY;
    const line =
      `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}%  ` +
      `sim ${formatDuration(now)} / ${formatDuration(end)}  ${formatCount(rate)} events/s  ETA ${Number.isFinite(eta) ? `${eta.toFixed(0)}s` : "?"}`;
    this.stream.write(`\r${line}\u001b[K`);
    this.drawn = true;
  }

  /** Clears the bar. */
  done(): void {
    if (this.drawn) this.stream.write("\r\u001b[K");
    this.drawn = false;
  }

  /** Wall seconds since the bar was created. */
  get elapsedSeconds(): number {
    return (performance.now() - this.started) / 1000;
  }
}

function formatCount(x: number): string {
  if (x >= 1e6) return `${(x / 1e6).toFixed(1)}M`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(0)}k`;
  return x.toFixed(0);
}
