import { Broker } from "../../src/amqp/broker.js";
import { FreeRuntime } from "../../src/cluster/free-runtime.js";
import { constant, parseDistribution } from "../../src/engine/distributions.js";
import { RandomStreams } from "../../src/engine/random.js";
import { Simulator } from "../../src/engine/simulator.js";
import { seconds } from "../../src/engine/time.js";
import { AmqpTransport } from "../../src/rpc/amqp-transport.js";
import { type OsloOptions, osloOptions } from "../../src/rpc/options.js";
import type {
  MethodSpec,
  PeriodicSpec,
  PeriodicTimer,
  RpcSpec,
  ServiceSpec,
  WorkloadSpec,
} from "../../src/rpc/spec.js";
import { parseStep } from "../../src/rpc/step.js";
import { RpcSystem } from "../../src/rpc/system.js";

export const dist = (text: string) => parseDistribution(text, "duration");

export function method(time: string, ...steps: string[]): MethodSpec {
  return { time: dist(time), steps: steps.map(parseStep) };
}

export function service(name: string, s: Partial<ServiceSpec> = {}): ServiceSpec {
  return {
    name,
    hosts: 1,
    processes: 1,
    executorThreads: 64,
    exchange: "nova",
    methods: {},
    periodic: [],
    periodicFuzzyDelay: 0,
    hostPrefix: name,
    ...s,
  };
}

export function periodic(every: string, step: string, timer: PeriodicTimer = "task"): PeriodicSpec {
  return { every: dist(every).mean, step: parseStep(step), timer };
}

/** Arrivals start at 1 ms, once the servers have declared their queues (a cast before that is unroutable). */
export function workload(
  name: string,
  from: string,
  rate: number,
  step: string,
  w: Partial<WorkloadSpec> = {},
): WorkloadSpec {
  return {
    name,
    from,
    rate,
    arrivals: "constant",
    step: parseStep(step),
    start: 1_000_000,
    stop: Number.MAX_SAFE_INTEGER,
    ...w,
  };
}

export interface World {
  readonly sim: Simulator;
  readonly broker: Broker;
  readonly system: RpcSystem;
}

/** A broker on the zero-cost FreeRuntime with an RPC system on it, started at t=0. */
export function world(
  services: ServiceSpec[],
  work: WorkloadSpec[] = [],
  oslo: Partial<OsloOptions> = {},
  seed = 1,
): World {
  const sim = new Simulator();
  const broker = new Broker(sim, { runtime: new FreeRuntime(sim) });
  const spec: RpcSpec = {
    oslo: osloOptions({ controlExchange: "nova", ...oslo }),
    services,
    workload: work,
    messageBytes: constant(2048, "size"),
    keepFirstFlows: 3,
  };
  const system = new RpcSystem(sim, new AmqpTransport(broker), new RandomStreams(seed), spec, {
    binWidth: seconds(1),
  });
  system.start();
  return { sim, broker, system };
}
