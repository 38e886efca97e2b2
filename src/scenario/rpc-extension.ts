import { defaultBinWidth } from "../metrics/collector.js";
import { AmqpTransport } from "../rpc/amqp-transport.js";
import { RpcSystem } from "../rpc/system.js";
import type { WorldExtension } from "./extensions.js";
import type { World } from "./world.js";

const systems = new WeakMap<World, RpcSystem>();

/** The RPC system of a built world (for `amqpsim trace` and tests), if the scenario has `rpc:`. */
export function rpcSystemOf(world: World): RpcSystem | undefined {
  return systems.get(world);
}

/**
 * Expands the `rpc:` section: every service's processes declare their exchanges, queues and
 * bindings and consume through ordinary AMQP connections on the world's broker (src/rpc), and the
 * workload arrivals start. Adds the `rpc` section to the result.
 */
export const rpcExtension: WorldExtension = {
  name: "rpc",
  build(world) {
    const spec = world.scenario.rpc;
    if (spec === undefined) return;
    const binWidth = world.scenario.report?.binWidth ?? defaultBinWidth(world.end);
    const system = new RpcSystem(world.sim, new AmqpTransport(world.broker), world.streams, spec, { binWidth });
    systems.set(world, system);
    system.start();
  },
  finish(world) {
    const system = systems.get(world);
    return system === undefined ? undefined : { rpc: system.finish() };
  },
};
