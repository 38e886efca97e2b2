import type { LinkOverride } from "../cluster/network.js";
import type { Nanoseconds } from "../engine/time.js";
import { formatDuration, formatSize } from "../engine/units.js";
import { type Fault, type FaultContext, markFault } from "./fault.js";

/** Make the link between two endpoints (nodes or clients) slow or lossy for a while. */
export class DegradeLink implements Fault {
  readonly until?: Nanoseconds;
  readonly label: string;
  constructor(
    readonly at: Nanoseconds,
    readonly between: readonly [string, string],
    readonly override: LinkOverride,
    readonly duration?: Nanoseconds,
  ) {
    if (duration !== undefined) this.until = at + duration;
    const parts: string[] = [];
    if (override.latency !== undefined) parts.push(`latency ${override.latency.text ?? "changed"}`);
    if (override.bandwidth !== undefined) parts.push(`${formatSize(override.bandwidth)}/s`);
    if (override.loss !== undefined) parts.push(`loss ${override.loss}`);
    this.label = `link ${between[0]}<->${between[1]}: ${parts.join(", ")}${duration === undefined ? "" : ` for ${formatDuration(duration)}`}`;
  }

  install(ctx: FaultContext): void {
    let restore: (() => void) | null = null;
    ctx.sim.scheduleAt(this.at, () => {
      markFault(ctx, this, "link");
      restore = ctx.cluster.overrideLink(this.between[0], this.between[1], this.override);
    });
    if (this.until !== undefined) ctx.sim.scheduleAt(this.until, () => restore?.());
  }
}
