import type { RandomStream } from "../engine/random.js";
import type { Nanoseconds } from "../engine/time.js";
import type { OsloOptions } from "./options.js";
import type { SpanKind } from "./span.js";

/** Anything that draws a number from a stream (the engine's Distribution satisfies it). */
export interface Sampler {
  sample(rng: RandomStream): number;
  readonly mean: number;
}

/**
 * Which server a request goes to: any server of the topic (routing key `<topic>`), a given host
 * (`<topic>.<host>`), a host drawn uniformly from the topic's hosts (what the scheduler's answer
 * stands for: `{host}` in a step), or the caller's own host (`{self}`).
 */
export type StepServer =
  | { readonly kind: "any" }
  | { readonly kind: "random-host" }
  | { readonly kind: "self" }
  | { readonly kind: "host"; readonly host: string };

/** One thing a method (or a periodic task, or a workload arrival) does over RPC. */
export interface StepSpec {
  readonly kind: SpanKind;
  /** Target topic (service name); for `notify`, the notification topic. */
  readonly service: string;
  /** Method name; for `notify`, the priority ("info"). */
  readonly method: string;
  readonly server: StepServer;
  /** Done this many times in a row. */
  readonly repeat: number;
  /** Call timeout; default `rpc_response_timeout`. */
  readonly timeout?: Nanoseconds;
  /** `call_monitor_timeout`: the server sends a heartbeat reply every half of it. */
  readonly callMonitorTimeout?: Nanoseconds;
}

export interface MethodSpec {
  /** Service time (ns), nested RPC excluded; spread evenly around the nested steps. */
  readonly time: Sampler;
  /** Part of the work that needs the process's single CPU (the GIL), served FIFO per process. */
  readonly cpu?: Sampler;
  readonly steps: readonly StepSpec[];
  /** At most this many run at once per process (nova `max_concurrent_builds`); the rest wait. */
  readonly maxConcurrent?: number;
}

/**
 * How a periodic job is timed; the two timers OpenStack services use:
 * - "task": an oslo.service `@periodic_task` (nova `update_available_resource`, ...). A process's
 *   tasks share one loop and run one after the other (`run_periodic_tasks`). Each run moves the
 *   task's last-run mark to the latest point of its grid (first run + k x every) and adds a
 *   jitter of int(every_s x U(0,1) / 20) whole seconds (`periodic_task.py _nearest_boundary`): 0-5 %
 *   of the interval, and none below 20 s. The next run is due `every` after the mark; the loop
 *   sleeps after each pass until the next task is due (at most 60 s).
 * - "fixed": a `FixedIntervalLoopingCall` (nova servicegroup `_report_state`, the neutron agents'
 *   heartbeat): the next run starts `every` after this one started, at once if this one overran;
 *   no jitter (`loopingcall.py`).
 */
export type PeriodicTimer = "task" | "fixed";

export interface PeriodicSpec {
  readonly every: Nanoseconds;
  readonly step: StepSpec;
  readonly timer: PeriodicTimer;
}

export interface ServiceSpec {
  /** The RPC topic, also the service name (conductor, scheduler, compute, q-reports-plugin). */
  readonly name: string;
  /** Hosts the service runs on; each host runs `processes` server processes. */
  readonly hosts: number;
  readonly processes: number;
  readonly executorThreads: number;
  /** Control exchange for this service; default the section's. */
  readonly exchange: string;
  readonly methods: Readonly<Record<string, MethodSpec>>;
  readonly periodic: readonly PeriodicSpec[];
  /**
   * First run of a "task" timer: uniform(0, fuzzy) after the start (nova `periodic_fuzzy_delay`,
   * 60 s). A "fixed" timer's first run is uniform(0, every): each host's service started at its own time.
   */
  readonly periodicFuzzyDelay: Nanoseconds;
  /** Host name prefix; hosts are `<prefix>-<i>` (1-based). */
  readonly hostPrefix: string;
}

export interface WorkloadSpec {
  /** The flow's name: each arrival is one flow (`boot#17`). */
  readonly name: string;
  /** Client process name (a service's processes are used round-robin, or a client-only process). */
  readonly from: string;
  /** Arrivals per second. */
  readonly rate: number;
  readonly arrivals: "poisson" | "constant";
  readonly step: StepSpec;
  readonly start: Nanoseconds;
  readonly stop: Nanoseconds;
}

/**
 * Something that happens to one oslo.messaging process at a time (an object that schedules its
 * own event, like the cluster's faults): `lose-reply-consumer` cancels the reply consumer and the
 * driver never consumes again while its connection stays up (so x-expires eventually deletes the
 * reply queue); `restart` kills the process and starts a new incarnation: what the dead one was
 * doing ends with it, and the new one has new reply and fanout queues (see RpcProcess.restart).
 */
export interface IncidentSpec {
  readonly at: Nanoseconds;
  readonly process: string;
  readonly action: "lose-reply-consumer" | "restart";
}

export interface RpcSpec {
  readonly oslo: OsloOptions;
  readonly services: readonly ServiceSpec[];
  readonly workload: readonly WorkloadSpec[];
  /** Request / reply body sizes in bytes. */
  readonly messageBytes: Sampler;
  readonly incidents?: readonly IncidentSpec[];
  /** Spans kept in full for the first flows of each workload (traces, sequence diagrams). */
  readonly keepFirstFlows: number;
}
