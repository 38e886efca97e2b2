import type { BrokerOp, BrokerRuntime, Endpoint, OpSize, ProcessRef } from "../../src/cluster/runtime.js";
import type { Action, Simulator } from "../../src/engine/simulator.js";
import { microseconds } from "../../src/engine/time.js";

/**
 * A test runtime with delays: every CPU step takes 1..`maxUs` µs, serialised per process; every
 * network transfer takes 1..`maxUs` µs, FIFO per (from, to) link; disk writes 1..`maxUs` µs. Draws
 * come from a tiny seeded LCG so runs are reproducible. It exercises the model's asynchronous
 * paths (copies in transit, replies after a close) that FreeRuntime completes at once.
 */
export class DelayRuntime implements BrokerRuntime {
  readonly nodes = ["rabbit@node1"];
  private readonly busyUntil = new Map<string, number>();
  private state: number;

  constructor(
    private readonly sim: Simulator,
    seed: number,
    private readonly maxUs = 50,
  ) {
    this.state = seed >>> 0 || 1;
  }

  private delay(): number {
    this.state = (Math.imul(this.state, 1664525) + 1013904223) >>> 0;
    return microseconds(1 + (this.state % this.maxUs));
  }

  private serial(key: string, action: Action<never>, arg: unknown): void {
    const start = Math.max(this.sim.now, this.busyUntil.get(key) ?? 0);
    const end = start + this.delay();
    this.busyUntil.set(key, end);
    this.sim.scheduleAt(end, action as Action<unknown>, arg);
  }

  work<A>(proc: ProcessRef, _op: BrokerOp, _size: OpSize, action: Action<A>, arg: A): void {
    this.serial(`${proc.node}/${proc.key}`, action as Action<never>, arg);
  }

  send<A>(from: Endpoint, to: Endpoint, _bytes: number, action: Action<A>, arg: A): void {
    this.serial(`link:${from.name}->${to.name}`, action as Action<never>, arg);
  }

  persist<A>(node: string, _bytes: number, action: Action<A>, arg: A): void {
    this.serial(`disk:${node}`, action as Action<never>, arg);
  }

  isUp(): boolean {
    return true;
  }

  onNodeDown(): void {}
  onNodeUp(): void {}
}
