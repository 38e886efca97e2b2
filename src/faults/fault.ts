import type { BrokerSignals } from "../amqp/signals.js";
import type { ClusterRuntime } from "../cluster/cluster-runtime.js";
import type { Simulator } from "../engine/simulator.js";
import type { Nanoseconds } from "../engine/time.js";

/**
 * What faults act on. The client layer implements ClientControl; faults never reach into the
 * model's internals, and the model has no `if (fault)` branches: a fault is an object that
 * schedules its own events against these handles (issue 5, "Faults").
 */
export interface ClientControl {
  /** Reset the named client's connection(s) at once (TCP RST): the client notices immediately. */
  killConnection(client: string): void;
  /** The named consumer(s) stop processing until `until` (deliveries wait in their prefetch). */
  stallConsumer(client: string, until: Nanoseconds): void;
}

export interface FaultContext {
  readonly sim: Simulator;
  readonly cluster: ClusterRuntime;
  readonly signals: BrokerSignals;
  readonly clients: ClientControl;
}

export interface Fault {
  /** When the fault starts, ns from the start of the run. */
  readonly at: Nanoseconds;
  /** When its effect ends, if it ends by itself (restart, heal, end of a slow period). */
  readonly until?: Nanoseconds;
  /** What it does, for markers and traces: "crash rabbit-2, restart after 1m30s". */
  readonly label: string;
  /** Schedule the fault's events. Called once, before the run starts. */
  install(ctx: FaultContext): void;
}

/** Emit the marker every report draws on its time axes. */
export function markFault(ctx: FaultContext, fault: Fault, kind: string): void {
  if (!ctx.signals.marker.active) return;
  ctx.signals.marker.emit(
    fault.until === undefined
      ? { time: ctx.sim.now, kind, label: fault.label }
      : { time: ctx.sim.now, kind, label: fault.label, until: fault.until },
  );
}
