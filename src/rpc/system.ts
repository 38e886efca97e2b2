import type { RandomStreams } from "../engine/random.js";
import type { Simulator } from "../engine/simulator.js";
import type { Nanoseconds } from "../engine/time.js";
import { ServiceLoad } from "./executor-load.js";
import { type RpcEnv, RpcProcess } from "./process.js";
import { RpcRecorder } from "./recorder.js";
import { buildRpcResult, type RpcResult } from "./result.js";
import type { RpcSpec, ServiceSpec, WorkloadSpec } from "./spec.js";
import type { Transport } from "./transport.js";

export interface RpcSystemOptions {
  /** Width of the timeout / request timeline bins and of the executor-load bins (the run's metrics bin). */
  readonly binWidth: Nanoseconds;
}

/**
 * The OpenStack side of a run: every service's processes (hosts × processes), client-only
 * processes named by workloads (nova-api), and the workload arrivals. Everything goes through the
 * Transport onto the AMQP model. Random streams are named per process (`rpc/<process id>`) and
 * per workload, so adding hosts leaves the other processes' draws unchanged.
 */
export class RpcSystem {
  readonly processes: RpcProcess[] = [];
  readonly recorder: RpcRecorder;
  private readonly byService = new Map<string, RpcProcess[]>();
  private readonly hosts = new Map<string, string[]>();
  private readonly clients = new Map<string, RpcProcess[]>();
  private readonly rr = new Map<string, number>();
  /** Executor-thread load per service, in spec order. */
  readonly loads = new Map<string, ServiceLoad>();
  private msgSeq = 0;
  private readonly env: RpcEnv;

  constructor(
    private readonly sim: Simulator,
    readonly transport: Transport,
    private readonly streams: RandomStreams,
    readonly spec: RpcSpec,
    options: RpcSystemOptions,
  ) {
    this.recorder = new RpcRecorder(options.binWidth, spec.keepFirstFlows);
    const exchanges = new Map<string, string>();
    for (const s of spec.services) {
      exchanges.set(s.name, s.exchange);
      this.hosts.set(s.name, hostNames(s));
      this.loads.set(s.name, new ServiceLoad(sim, options.binWidth));
    }
    this.env = {
      sim,
      transport,
      oslo: spec.oslo,
      recorder: this.recorder,
      messageBytes: spec.messageBytes,
      exchangeOf: (topic) => exchanges.get(topic) ?? spec.oslo.controlExchange,
      hostsOf: (topic) => this.hosts.get(topic) ?? [],
      nextMsgId: () => ++this.msgSeq,
      loadOf: (service) => this.loads.get(service)!,
    };
    for (const s of spec.services) {
      const list: RpcProcess[] = [];
      for (const host of this.hosts.get(s.name)!) {
        for (let p = 1; p <= s.processes; p++) {
          // Like oslo's queue-manager names (<host>:<process>:<n>): unique when services share hosts.
          const base = s.hostPrefix === s.name ? host : `${host}:${s.name}`;
          const id = s.processes === 1 ? base : `${base}:${p}`;
          const proc = new RpcProcess(this.env, id, host, s, streams.stream(`rpc/${id}`));
          list.push(proc);
          this.processes.push(proc);
        }
      }
      this.byService.set(s.name, list);
    }
    for (const w of spec.workload) {
      if (this.byService.has(w.from) || this.clients.has(w.from)) continue;
      const proc = new RpcProcess(this.env, w.from, w.from, null, streams.stream(`rpc/${w.from}`));
      this.clients.set(w.from, [proc]);
      this.processes.push(proc);
    }
  }

  /** Start every process at the current time and schedule the workload arrivals. */
  start(): void {
    for (const p of this.processes) p.start();
    for (const w of this.spec.workload) this.startWorkload(w);
    for (const inc of this.spec.incidents ?? []) {
      const proc = this.processes.find((p) => p.id === inc.process);
      if (proc === undefined) throw new RangeError(`rpc incident names unknown process '${inc.process}'`);
      this.sim.scheduleAt(inc.at, () => {
        this.transport.marker(`rpc-${inc.action}`, `${inc.process}: ${inc.action}`);
        if (inc.action === "restart") proc.restart();
        else proc.loseReplyConsumer();
      });
    }
  }

  private startWorkload(w: WorkloadSpec): void {
    const rng = this.streams.stream(`rpc/workload/${w.name}`);
    const gap = (): Nanoseconds =>
      w.arrivals === "constant"
        ? Math.round(1e9 / w.rate)
        : Math.max(1, Math.round((-Math.log(1 - rng.next()) / w.rate) * 1e9));
    const arrive = (): void => {
      const now = this.sim.now;
      if (now >= w.stop) return;
      const procs = this.byService.get(w.from) ?? this.clients.get(w.from)!;
      const i = this.rr.get(w.name) ?? 0;
      this.rr.set(w.name, i + 1);
      const proc = procs[i % procs.length]!;
      const trace = this.recorder.startFlow(w.name, now);
      let remaining = w.step.repeat;
      const epoch = proc.incarnation;
      const next = (_ok: boolean, lag: number): void => {
        if (remaining-- <= 0 || proc.incarnation !== epoch) return; // restarted: the request died with it
        if (lag > 0) this.sim.schedule(lag, () => proc.perform(w.step, trace, -1, next));
        else proc.perform(w.step, trace, -1, next);
      };
      next(true, 0);
      this.sim.schedule(gap(), arrive);
    };
    const first = w.start + (w.arrivals === "constant" ? 0 : gap());
    if (first < w.stop) this.sim.schedule(Math.max(0, first - this.sim.now), arrive);
  }

  /** The `rpc` section of the run result (durations in seconds). */
  finish(): RpcResult {
    return buildRpcResult(this, this.sim.now);
  }

  /** Client-only processes (named by workloads, not services), in creation order. */
  clientProcesses(): readonly RpcProcess[] {
    return [...this.clients.values()].flat();
  }

  /** Processes of a service (or a workload's client-only process). */
  processesOf(name: string): readonly RpcProcess[] {
    return this.byService.get(name) ?? this.clients.get(name) ?? [];
  }
}

/** Hosts are `<prefix>-<i>`, 1-based; a single-host service is named after its prefix alone. */
export function hostNames(s: ServiceSpec): string[] {
  if (s.hosts === 1) return [s.hostPrefix];
  const out: string[] = [];
  for (let i = 1; i <= s.hosts; i++) out.push(`${s.hostPrefix}-${i}`);
  return out;
}
