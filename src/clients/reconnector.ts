import { nextAttempt, type ReconnectPolicy } from "../cluster/reconnect.js";
import type { RandomStream } from "../engine/random.js";
import type { Nanoseconds } from "../engine/time.js";
import type { ClientContext } from "./context.js";

/**
 * Schedules a client's reconnect attempts by its policy (src/cluster/reconnect.ts): after a drop
 * from node N, try the next node of the failover list after the back-off; a node that is down
 * refuses at once and the next attempt waits longer. `succeeded()` resets the back-off. Until then
 * the attempts walk the list from the node the client was dropped by, whatever node refused or
 * failed it since (a refused connection, a declaration the broker refused).
 */
export class Reconnector {
  private attempt = 0;
  private pending = false;
  /** The node the client lost when this series of attempts began. */
  private origin = "";

  constructor(
    private readonly ctx: ClientContext,
    private readonly policy: ReconnectPolicy,
    private readonly rng: RandomStream,
  ) {}

  /** After losing the connection to `lastNode`: call `connect(node)` when an attempt can succeed, before `stopAt`. */
  schedule(lastNode: string, stopAt: Nanoseconds, connect: (node: string) => void): void {
    if (this.pending) return;
    if (this.attempt === 0) this.origin = lastNode;
    const { node, delay } = nextAttempt(this.policy, this.origin, this.attempt++, this.rng);
    const at = this.ctx.sim.now + delay;
    if (at >= stopAt) return;
    this.pending = true;
    this.ctx.sim.scheduleAt(at, () => {
      this.pending = false;
      if (this.ctx.broker.runtime.isUp(node)) connect(node);
      else this.schedule(node, stopAt, connect);
    });
  }

  /** The connection is up again: the next drop starts the back-off from the beginning. */
  succeeded(): void {
    this.attempt = 0;
  }
}
