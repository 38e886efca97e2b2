import type { BrokerRuntime } from "../cluster/runtime.js";
import type { RandomStreams } from "../engine/random.js";
import type { Simulator } from "../engine/simulator.js";
import type { JsonObject, JsonValue, RunResult } from "../metrics/result.js";
import { clusterExtension } from "./cluster-extension.js";
import type { Scenario } from "./load.js";
import { rpcExtension } from "./rpc-extension.js";
import type { World } from "./world.js";

/**
 * How later sections (cluster, faults, RPC ...) plug into building and running a world without
 * editing the builder: an extension is one object, listed once in WORLD_EXTENSIONS.
 * Hooks run in list order; all are optional.
 */
export interface WorldExtension {
  readonly name: string;
  /** The broker runtime for this scenario; the first extension that returns one wins. */
  runtime?(scenario: Scenario, sim: Simulator, streams: RandomStreams): BrokerRuntime | undefined;
  /** After the topology is declared and the clients are created, before the run starts. */
  build?(world: World): void;
  /** After the run (and broker.finish()): extra result sections. */
  finish?(
    world: World,
    result: RunResult,
  ): { rpc?: JsonObject; extensions?: Record<string, JsonValue> } | undefined;
}

/** Registered extensions, in order. Add yours with one line. */
export const WORLD_EXTENSIONS: WorldExtension[] = [rpcExtension, clusterExtension];
