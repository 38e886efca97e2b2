import type { Nanoseconds } from "../engine/time.js";
import { formatDuration } from "../engine/units.js";
import { type Fault, type FaultContext, markFault } from "./fault.js";

/**
 * An uncontrolled crash (kill -9, power loss): queued work, unsynced disk writes and frames in
 * flight are lost; optionally the node is started again `restartAfter` later and recovers its
 * durable queues' persistent messages.
 */
export class CrashNode implements Fault {
  readonly until?: Nanoseconds;
  readonly label: string;
  constructor(
    readonly at: Nanoseconds,
    readonly node: string,
    readonly restartAfter?: Nanoseconds,
  ) {
    if (restartAfter !== undefined) this.until = at + restartAfter;
    this.label = `crash ${node}${restartAfter === undefined ? "" : `, restart after ${formatDuration(restartAfter)}`}`;
  }

  install(ctx: FaultContext): void {
    ctx.sim.scheduleAt(this.at, () => {
      markFault(ctx, this, "crash");
      ctx.cluster.crash(this.node);
    });
    if (this.until !== undefined) ctx.sim.scheduleAt(this.until, () => ctx.cluster.start(this.node));
  }
}

/** A graceful stop (rabbitmqctl stop_app): pending disk writes are flushed first. */
export class StopNode implements Fault {
  readonly until?: Nanoseconds;
  readonly label: string;
  constructor(
    readonly at: Nanoseconds,
    readonly node: string,
    readonly startAfter?: Nanoseconds,
  ) {
    if (startAfter !== undefined) this.until = at + startAfter;
    this.label = `stop ${node}${startAfter === undefined ? "" : `, start after ${formatDuration(startAfter)}`}`;
  }

  install(ctx: FaultContext): void {
    ctx.sim.scheduleAt(this.at, () => {
      markFault(ctx, this, "stop");
      ctx.cluster.stop(this.node);
    });
    if (this.until !== undefined) ctx.sim.scheduleAt(this.until, () => ctx.cluster.start(this.node));
  }
}

/** Start a stopped or crashed node (rabbitmqctl start_app). */
export class StartNode implements Fault {
  readonly label: string;
  constructor(
    readonly at: Nanoseconds,
    readonly node: string,
  ) {
    this.label = `start ${node}`;
  }

  install(ctx: FaultContext): void {
    ctx.sim.scheduleAt(this.at, () => {
      markFault(ctx, this, "start");
      ctx.cluster.start(this.node);
    });
  }
}
