import type { Nanoseconds } from "../engine/time.js";
import { formatDuration } from "../engine/units.js";
import { type Fault, type FaultContext, markFault } from "./fault.js";

/**
 * Raise a memory or disk alarm on a node for a while (as if it crossed the watermark / free-disk
 * limit). Alarms are cluster-wide: every publishing connection is blocked until all clear.
 */
export class ResourceAlarm implements Fault {
  readonly until?: Nanoseconds;
  readonly label: string;
  constructor(
    readonly at: Nanoseconds,
    readonly kind: "memory" | "disk",
    readonly node: string,
    readonly duration?: Nanoseconds,
  ) {
    if (duration !== undefined) this.until = at + duration;
    this.label = `${kind} alarm on ${node}${duration === undefined ? "" : ` for ${formatDuration(duration)}`}`;
  }

  install(ctx: FaultContext): void {
    ctx.sim.scheduleAt(this.at, () => {
      markFault(ctx, this, "alarm");
      ctx.cluster.forceAlarm(this.kind, this.node, true);
    });
    if (this.until !== undefined) {
      ctx.sim.scheduleAt(this.until, () => ctx.cluster.forceAlarm(this.kind, this.node, false));
    }
  }
}
