import type { Nanoseconds } from "../engine/time.js";
import { formatDuration } from "../engine/units.js";
import { type Fault, type FaultContext, markFault } from "./fault.js";

/** Reset a client's connection (its producer or consumer reconnects by its own policy). */
export class KillConnection implements Fault {
  readonly label: string;
  constructor(
    readonly at: Nanoseconds,
    readonly client: string,
  ) {
    this.label = `kill connection ${client}`;
  }

  install(ctx: FaultContext): void {
    ctx.sim.scheduleAt(this.at, () => {
      markFault(ctx, this, "kill-connection");
      ctx.clients.killConnection(this.client);
    });
  }
}

/** A consumer stops processing for a while (GC pause, blocked thread, slow dependency). */
export class StallConsumer implements Fault {
  readonly until: Nanoseconds;
  readonly label: string;
  constructor(
    readonly at: Nanoseconds,
    readonly client: string,
    readonly duration: Nanoseconds,
  ) {
    this.until = at + duration;
    this.label = `stall consumer ${client} for ${formatDuration(duration)}`;
  }

  install(ctx: FaultContext): void {
    ctx.sim.scheduleAt(this.at, () => {
      markFault(ctx, this, "stall-consumer");
      ctx.clients.stallConsumer(this.client, this.until);
    });
  }
}
