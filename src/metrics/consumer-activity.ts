import { Signal } from "../engine/signal.js";
import type { Nanoseconds } from "../engine/time.js";

/**
 * Consumer utilisation comes from the clients, not the broker: a consumer instance (a connection
 * running a handler, or an RPC server process with an executor pool) reports how many of its
 * handlers are busy whenever that number changes. The collector integrates busy / capacity over
 * time per group (the scenario consumer name) and per time bin.
 *
 * Emitters (src/clients, src/rpc): emit once with busy 0 when the instance starts, then on every
 * change; `capacity` is the instance's concurrent handlers (1 for a plain consumer, executor
 * threads for an RPC server) and must stay the same for an instance. Guard with `if (s.active)`.
 * Clients may `import type` this payload; the scenario builder passes them the Signal.
 */
export interface ConsumerActivitySignal {
  readonly time: Nanoseconds;
  /** Scenario consumer name (the TopologyConsumer name / RPC service). */
  readonly group: string;
  /** The instance: connection or process name, unique in the run. */
  readonly instance: string;
  /** Handlers busy from `time` on. */
  readonly busy: number;
  /** Concurrent handlers of this instance. */
  readonly capacity: number;
}

export class ClientSignals {
  readonly consumerActivity = new Signal<ConsumerActivitySignal>();
}
