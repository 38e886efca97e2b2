/**
 * `npm run bench [-- group...]`: runs the registered benchmarks and prints medians and ratios.
 * Register a module by adding one import and one spread below (static list: no file-system scan).
 */
import { benchmarks as amqp } from "./amqp.js";
import { benchmarks as cluster } from "./cluster.js";
import { benchmarks as engine } from "./engine.js";
import { type Benchmark, runAll } from "./harness.js";
import { benchmarks as openstack } from "./openstack.js";
import { benchmarks as sweeps } from "./sweep.js";

const ALL: readonly Benchmark[] = [...engine, ...amqp, ...cluster, ...sweeps, ...openstack];

const filters = process.argv.slice(2).filter((a) => a !== "--");
try {
  runAll(ALL, filters);
} catch (e) {
  console.error((e as Error).message);
  process.exitCode = 2;
}
