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
    const b = Math.floor(time / this.width);
    const a = this.perBin;
    while (a.length <= b) a.push(0);
    a[b]! += n;
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

  /**
   * `a`, `b` and `c` become `va`, `vb`, `vc` at `time`: the same as three set() calls, with the bin
   * found once when all three last changed in the bin of `time` (a queue's ready, unacked and
   * depth levels change together on every queue signal).
   */
  static setThree(
    time: Nanoseconds,
    a: BinnedLevel,
    va: number,
    b: BinnedLevel,
    vb: number,
    c: BinnedLevel,
    vc: number,
  ): void {
    const last = a.last;
    const w = a.width;
    const bin = Math.floor(time / w);
    if (
      time > last &&
      b.last === last &&
      c.last === last &&
      b.width === w &&
      c.width === w &&
      Math.floor(last / w) === bin &&
      bin < a.binIntegral.length &&
      bin < b.binIntegral.length &&
      bin < c.binIntegral.length
    ) {
      a.step(bin, time, va);
      b.step(bin, time, vb);
      c.step(bin, time, vc);
      return;
    }
    a.set(time, va);
    b.set(time, vb);
    c.set(time, vc);
  }

  /**
   * set(time, value) when the level last changed in bin `bin`, before `time`, and `bin` exists:
   * the same arithmetic as advance() + set() for that case.
   */
  private step(bin: number, time: Nanoseconds, value: number): void {
    const v = this.level;
    const integral = this.binIntegral;
    const max = this.binMax;
    integral[bin]! += v * (time - this.last);
    if (v > max[bin]!) max[bin] = v;
    this.integral += v * (time - this.last);
    this.last = time;
    this.level = value;
    if (value > this.max) this.max = value;
    if (value > max[bin]!) max[bin] = value;
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
