import type { Nanoseconds } from "../engine/time.js";
import { formatDuration } from "../engine/units.js";
import { type Fault, type FaultContext, markFault } from "./fault.js";

/**
 * A network partition between groups of nodes ([[a], [b, c]]): node-to-node links between groups
 * are cut, client links stay; the cluster's partition-handling mode decides what pauses or
 * restarts. Heals `healAfter` later if given.
 */
export class PartitionNodes implements Fault {
  readonly until?: Nanoseconds;
  readonly label: string;
  constructor(
    readonly at: Nanoseconds,
    readonly groups: readonly (readonly string[])[],
    readonly healAfter?: Nanoseconds,
  ) {
    if (healAfter !== undefined) this.until = at + healAfter;
    const g = groups.map((x) => `[${x.join(", ")}]`).join(" | ");
    this.label = `partition ${g}${healAfter === undefined ? "" : `, heal after ${formatDuration(healAfter)}`}`;
  }

  install(ctx: FaultContext): void {
    ctx.sim.scheduleAt(this.at, () => {
      markFault(ctx, this, "partition");
      ctx.cluster.partitionNetwork(this.groups, this.until);
    });
    if (this.until !== undefined) ctx.sim.scheduleAt(this.until, () => ctx.cluster.heal());
  }
}
