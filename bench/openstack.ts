/**
 * OpenStack scale benchmark (issue 6): scenarios/openstack/nova-vm-boot.yaml with 1,000 compute
 * hosts for one simulated hour at 2 boots/s (report_state every 10 s, periodic tasks, boot flows).
 * Two cases: the RPC model on the broker alone with FreeRuntime (no costs, no metrics), and the
 * full `runScenario` pipeline as the CLI runs it: the scenario's 3-node costed cluster, the metrics
 * collector and the report data (result.json and the report files are not written). Figures: wall seconds per simulated hour, events
 * per second, and the peak resident memory sampled every simulated minute (target <= 10 s,
 * < 1 GiB).
 */
import { join } from "node:path";
import { Broker } from "../src/amqp/broker.js";
import { FreeRuntime } from "../src/cluster/free-runtime.js";
import { RandomStreams } from "../src/engine/random.js";
import { Simulator } from "../src/engine/simulator.js";
import { AmqpTransport } from "../src/rpc/amqp-transport.js";
import { RpcSystem } from "../src/rpc/system.js";
import { loadScenarioFile, runScenario, type Scenario } from "../src/scenario/index.js";
import type { Benchmark } from "./harness.js";

const HOSTS = Number(process.env.AMQPSIM_BENCH_HOSTS ?? 1000);
const DURATION = process.env.AMQPSIM_BENCH_DURATION ?? "1h";

function scenario(): Scenario {
  const file = join(import.meta.dirname, "..", "..", "scenarios", "openstack", "nova-vm-boot.yaml");
  return loadScenarioFile(file, {
    sets: [`rpc.services.compute.hosts=${HOSTS}`, `duration=${DURATION}`, "rpc.workload.boot.rate=2/s"],
  });
}

let peakRss = 0;
const sampleRss = (): void => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};

/** The RPC model alone: a broker on FreeRuntime, every service's processes, the boots. */
export function rpcOnly(s: Scenario): { events: number; boots: number } {
  const sim = new Simulator();
  const broker = new Broker(sim, { runtime: new FreeRuntime(sim) });
  const system = new RpcSystem(sim, new AmqpTransport(broker), new RandomStreams(s.seed), s.rpc!, {
    binWidth: 60e9,
  });
  system.start();
  let events = 0;
  for (let t = 60e9; t <= s.duration; t += 60e9) {
    events += sim.run({ until: t }).events;
    sampleRss();
  }
  const r = system.finish();
  broker.finish();
  broker.checkFateInvariant();
  return { events, boots: r.flows.boot?.completed ?? 0 };
}

function report(label: string, seconds: number, events: number, extra: string): void {
  console.log(
    `  ${label}: ${seconds.toFixed(2)} s wall, ${events} events (${Math.round(events / seconds)} events/s), ` +
      `peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB${extra}`,
  );
}

export const benchmarks: Benchmark[] = [
  {
    group: "openstack",
    name: `nova-vm-boot: ${HOSTS} compute hosts, ${DURATION} simulated, 2 boots/s`,
    unit: "events",
    // One simulated hour is minutes of CPU per round on a shared 2-core machine: one round each.
    rounds: 1,
    warmup: 0,
    cases: [
      {
        name: "RPC model + FreeRuntime broker",
        run: () => {
          const s = scenario();
          peakRss = 0;
          const t0 = performance.now();
          const { events, boots } = rpcOnly(s);
          report(
            "RPC model + FreeRuntime broker",
            (performance.now() - t0) / 1000,
            events,
            `, ${boots} boots completed`,
          );
          return events;
        },
      },
      {
        name: "full runScenario (3-node costed cluster, metrics)",
        run: () => {
          const s = scenario();
          peakRss = 0;
          const t0 = performance.now();
          const r = runScenario(s, { onProgress: sampleRss });
          report("full runScenario", (performance.now() - t0) / 1000, r.run.events, "");
          return r.run.events;
        },
      },
    ],
  },
];
