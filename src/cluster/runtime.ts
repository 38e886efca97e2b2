import type { Action } from "../engine/simulator.js";

/**
 * What the AMQP model asks of the machinery under it: CPU time on a node, network transfer,
 * disk persistence, and node liveness. The AMQP layer never computes a cost or a delay itself;
 * it describes the operation and the runtime decides when it completes.
 *
 * Two implementations: FreeRuntime (no costs: every operation completes at once, used for
 * semantics tests and teaching) and the costed cluster runtime (CPU cores per node, one Erlang
 * process per queue serving one operation at a time, batched fsync, network links, partitions).
 */

/** A broker operation whose CPU cost the runtime charges (DESIGN.md "A broker that costs something"). */
export type BrokerOp =
  | "route" // exchange routing; `bindings` = bindings visited
  | "enqueue" // queue accepts a message
  | "deliver" // queue hands a message to a consumer (or basic.get)
  | "ack" // queue settles an ack / nack / reject
  | "confirm" // channel sends a publisher confirm
  | "frame" // per frame for connection / channel methods (declare, bind, qos, consume ...)
  | "replicate"; // a replica / mirror applies a message

/**
 * Which Erlang process serialises the work. RabbitMQ runs each queue, each channel and each
 * connection as its own process: one process uses at most one core at a time, so a single classic
 * queue's throughput is bounded by 1 / (its per-message cost) however many cores the node has.
 */
export interface ProcessRef {
  readonly node: string;
  /** Unique within the node, e.g. "queue:orders", "channel:producer-1/1". */
  readonly key: string;
  /**
   * @internal Where the costed runtime keeps the process it last ran this on, so that per-message
   * work skips a lookup by key. Callers leave it unset.
   */
  cpuProcess?: unknown;
}

export interface OpSize {
  /** Message body bytes copied by the operation (per-byte cost). */
  readonly bytes?: number;
  /** Bindings visited while routing (per-binding cost). */
  readonly bindings?: number;
  /**
   * Messages the operation handles at once (a replication batch, a multiple ack): the fixed
   * per-message cost is charged this many times. Default 1.
   */
  readonly count?: number;
}

/**
 * One end of a network transfer: a client connection or a broker node. `net` is the runtime's
 * cache of what it looked up about the endpoint (its key, node and last link): creators leave it
 * undefined, and only the runtime sets it.
 */
export type Endpoint =
  | { readonly kind: "client"; readonly name: string; net?: unknown }
  | { readonly kind: "node"; readonly name: string; net?: unknown };

export type NodeListener = (node: string) => void;

/** Called when the cluster-wide resource alarm state changes (any node's memory or disk alarm). */
export type AlarmListener = (blocked: boolean, reasons: readonly string[]) => void;

export interface BrokerRuntime {
  /** Broker node names; the first is where clients connect unless told otherwise. */
  readonly nodes: readonly string[];

  /**
   * Charge the CPU cost of `op` on `proc`'s node, serialised behind `proc`'s earlier work, then run
   * action(arg). A zero-cost runtime may run it synchronously, so callers must not rely on the
   * action running later than the call.
   */
  work<A>(proc: ProcessRef, op: BrokerOp, size: OpSize, action: Action<A>, arg: A): void;

  /**
   * Carry `bytes` from `from` to `to`, then run action(arg) at the receiving end. Always completes
   * strictly after the call returns (at +0 ns or later), so a client callback never runs inside a
   * broker step. A lossy or cut link may never run it.
   */
  send<A>(from: Endpoint, to: Endpoint, bytes: number, action: Action<A>, arg: A): void;

  /**
   * Write `bytes` of persistent message data to `node`'s disk; run action(arg) once the batch
   * holding it is fsynced (publisher confirms for persistent messages to durable queues wait here).
   */
  persist<A>(node: string, bytes: number, action: Action<A>, arg: A): void;

  /** Whether the node is running and reachable from its clients. */
  isUp(node: string): boolean;

  /** Called when a node stops (crash, graceful stop, paused by partition handling). */
  onNodeDown(listener: NodeListener): void;
  /** Called when a node is back and has recovered its durable state. */
  onNodeUp(listener: NodeListener): void;

  // Optional capabilities (a costed runtime has them; callers use `rt.hold?.(...)`).

  /** Count `bytes` of message data as held in `node`'s memory (towards the high watermark). */
  hold?(node: string, bytes: number): void;
  /** Stop counting `bytes` held on `node` (message consumed, dropped or paged out). */
  release?(node: string, bytes: number): void;
  /**
   * Resource alarms (docs/alarms.md): when any node crosses its memory watermark or disk limit,
   * connections that publish are blocked cluster-wide until every alarm clears. The AMQP model
   * sends connection.blocked / connection.unblocked and stops reading publishes meanwhile.
   */
  onAlarm?(listener: AlarmListener): void;
  /** Whether a cluster-wide resource alarm is active now. */
  alarmActive?(): boolean;
  /**
   * Credit flow (docs/flow-control.md): whether `proc` can take more work now. A channel feeding a
   * queue process that is behind should wait with whenCredit before handing it the next message;
   * the wait propagates back to the publisher as a lower publish rate.
   */
  hasCredit?(proc: ProcessRef): boolean;
  /** Run action(arg) once `proc` has credit again (at once if it has). */
  whenCredit?<A>(proc: ProcessRef, action: Action<A>, arg: A): void;
  /** Whether node `a` can exchange messages with node `b` now (both up, no partition between). */
  reachable?(a: string, b: string): boolean;
}
