import type { Action, Simulator } from "../engine/simulator.js";
import type { BrokerOp, BrokerRuntime, Endpoint, NodeListener, OpSize, ProcessRef } from "./runtime.js";

/**
 * The runtime with no costs: CPU work and disk writes complete at once (synchronously), network
 * transfers arrive at +0 ns (as a separate event, so client callbacks never run inside a broker
 * step). Nodes never fail. Used for semantics tests, conformance replay and teaching scenarios.
 */
export class FreeRuntime implements BrokerRuntime {
  constructor(
    private readonly sim: Simulator,
    readonly nodes: readonly string[] = ["rabbit@node1"],
  ) {}

  work<A>(_proc: ProcessRef, _op: BrokerOp, _size: OpSize, action: Action<A>, arg: A): void {
    action(arg);
  }

  send<A>(_from: Endpoint, _to: Endpoint, _bytes: number, action: Action<A>, arg: A): void {
    this.sim.schedule(0, action, arg);
  }

  persist<A>(_node: string, _bytes: number, action: Action<A>, arg: A): void {
    action(arg);
  }

  isUp(node: string): boolean {
    return this.nodes.includes(node);
  }

  onNodeDown(_listener: NodeListener): void {}
  onNodeUp(_listener: NodeListener): void {}
}
