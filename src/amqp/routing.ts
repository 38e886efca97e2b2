import type { Binding } from "./binding.js";
import type { Exchange } from "./exchange.js";
import type { FieldTable } from "./message.js";
import type { Queue } from "./queue.js";
import type { MatchedBinding } from "./signals.js";
import type { VHost } from "./vhost.js";

/** Result of one routing decision. Reused between calls: copy what you keep. */
export interface RouteResult {
  /** Destination queues, each once (docs/e2e.md: one copy per queue). */
  readonly queues: Queue[];
  /** Matched bindings across e2e hops; filled only when `collectBindings`. */
  readonly bindings: MatchedBinding[];
  /** Alternate exchanges tried, in order. */
  readonly alternates: string[];
  /** Bindings visited (cost hint for runtime.work "route"). */
  visited: number;
}

/**
 * Routes a message as rabbit_exchange:route/2 does: a worklist of exchanges, each visited once per
 * decision (e2e cycles stop, docs/e2e.md); an exchange whose own bindings match nothing passes the
 * message to its alternate exchange, if that exists and was not visited yet (docs/ae.md; so AEs
 * chain, loops stop, and an exchange reached over an e2e binding uses its own AE). Every key in
 * the routing key + CC + BCC (docs/sender-selected.md) is routed at every exchange.
 */
export class Router {
  private epoch = 0;
  private readonly tmp: Binding[] = [];
  readonly result: RouteResult = { queues: [], bindings: [], alternates: [], visited: 0 };

  route(
    vhost: VHost,
    exchange: Exchange,
    routingKey: string,
    extraKeys: readonly string[],
    headers: FieldTable | undefined,
    collectBindings: boolean,
  ): RouteResult {
    const r = this.result;
    // pop() rather than length = 0: cheaper for the usual one or two entries
    while (r.queues.length > 0) r.queues.pop();
    if (r.bindings.length > 0) r.bindings.length = 0;
    if (r.alternates.length > 0) r.alternates.length = 0;
    r.visited = 0;
    this.visit(vhost, exchange, routingKey, extraKeys, headers, collectBindings, ++this.epoch);
    return r;
  }

  private visit(
    vhost: VHost,
    x: Exchange,
    routingKey: string,
    extraKeys: readonly string[],
    headers: FieldTable | undefined,
    collect: boolean,
    epoch: number,
  ): void {
    if (x.routeMark === epoch) return;
    x.routeMark = epoch;
    const tmp = this.tmp;
    const start = tmp.length;
    const r = this.result;
    r.visited += x.router.route(routingKey, headers, tmp);
    for (let i = 0; i < extraKeys.length; i++) r.visited += x.router.route(extraKeys[i]!, headers, tmp);
    const end = tmp.length;
    if (end === start) {
      // rabbit_exchange process_alternate: only when this exchange itself matched nothing
      const ae = x.alternate;
      const a = ae === undefined ? undefined : vhost.exchanges.get(ae);
      if (a !== undefined && a.routeMark !== epoch) {
        r.alternates.push(a.name);
        this.visit(vhost, a, routingKey, extraKeys, headers, collect, epoch);
      }
      return;
    }
    for (let i = start; i < end; i++) {
      const b = tmp[i]!;
      if (b.destinationKind === "queue") {
        const q = vhost.queues.get(b.destination);
        if (!q) continue;
        if (collect) r.bindings.push(b);
        if (q.routeMark !== epoch) {
          q.routeMark = epoch;
          r.queues.push(q);
        }
      } else {
        const d = vhost.exchanges.get(b.destination);
        if (!d) continue;
        if (collect) r.bindings.push(b);
        this.visit(vhost, d, routingKey, extraKeys, headers, collect, epoch);
      }
    }
    while (tmp.length > start) tmp.pop();
  }
}
