import { defaultBinWidth } from "../metrics/collector.js";
import { AmqpTransport } from "../rpc/amqp-transport.js";
import { RpcSystem } from "../rpc/system.js";
import { FlowWatch } from "../rpc/trace/flow-watch.js";
import { foldRepeats } from "../rpc/trace/fold.js";
import type { WorldExtension } from "./extensions.js";
import type { World } from "./world.js";

interface Attached {
  readonly system: RpcSystem;
  /** Narrates the first flow of the first workload for the report. */
  readonly watch: FlowWatch | null;
}

const systems = new WeakMap<World, Attached>();

/** The RPC system of a built world (for `amqpsim trace` and tests), if the scenario has `rpc:`. */
export function rpcSystemOf(world: World): RpcSystem | undefined {
  return systems.get(world)?.system;
}

/**
 * Expands the `rpc:` section: every service's processes declare their exchanges, queues and
 * bindings and consume through ordinary AMQP connections on the world's broker (src/rpc), and the
 * workload arrivals start. Adds the `rpc` section to the result, with the narrated first flow.
 */
export const rpcExtension: WorldExtension = {
  name: "rpc",
  build(world) {
    const spec = world.scenario.rpc;
    if (spec === undefined) return;
    const binWidth = world.scenario.report?.binWidth ?? defaultBinWidth(world.end);
    const system = new RpcSystem(
      world.sim,
      new AmqpTransport(world.broker, { rng: world.streams.stream("rpc/transport/nodes") }),
      world.streams,
      spec,
      {
        binWidth,
      },
    );
    const first = spec.workload[0];
    const watch = first === undefined ? null : new FlowWatch(world.broker, system, first.name, 1);
    systems.set(world, { system, watch });
    system.start();
  },
  finish(world) {
    const a = systems.get(world);
    if (a === undefined) return undefined;
    const rpc = a.system.finish();
    if (a.watch === null) return { rpc };
    a.watch.narrator.stop();
    return { rpc: { ...rpc, narrative: { flow: `${a.watch.name}#1`, lines: foldRepeats(a.watch.lines()) } } };
  },
};
