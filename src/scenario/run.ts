import type { Nanoseconds } from "../engine/time.js";
import { defaultBinWidth, RunCollector } from "../metrics/collector.js";
import { LogLinearHistogram } from "../metrics/histogram.js";
import { type JsonObject, type JsonValue, type RunResult, roundNumber } from "../metrics/result.js";
import { checkSlo } from "../metrics/slo.js";
import { WORLD_EXTENSIONS } from "./extensions.js";
import type { Scenario } from "./load.js";
import { AMQPSIM_VERSION } from "./version.js";
import { buildWorld, RunError, type World } from "./world.js";

export interface RunProgress {
  /** Simulated time reached, ns. */
  readonly now: Nanoseconds;
  /** Scheduled end, ns. */
  readonly end: Nanoseconds;
  /** Events executed so far. */
  readonly events: number;
}

export interface RunScenarioOptions {
  /** Overrides the scenario's seed (replications, sweeps, --seed). */
  readonly seed?: number;
  /** Called between slices of the run (at most every SLICE_EVENTS events or 1/200 of the run). */
  readonly onProgress?: (p: RunProgress) => void;
  /** Runaway guard: stop after this many events (default 2e9). */
  readonly maxEvents?: number;
  /** Fail the run when this many events run without simulated time advancing (default 2e7). */
  readonly stuckEvents?: number;
  /** Called once the world is built, before it starts: extra subscribers (sweeps' steady-state collector). */
  readonly onWorld?: (world: World) => void;
}

/** Events per slice of the run loop: progress granularity without per-event overhead. */
const SLICE_EVENTS = 250_000;
/** Events at one instant after which a run is declared stuck (a loop that never lets time pass). */
const STUCK_EVENTS = 20_000_000;

/**
 * Runs a validated scenario: builds the world, subscribes the metrics collector, declares the
 * topology, runs the engine to the scenario's duration (or until drained, with stop.whenDrained),
 * gives every remaining copy its end-of-run fate and returns the RunResult. Deterministic: the
 * same scenario and seed give the same result, byte for byte once serialised.
 * Throws RunError when the topology cannot be declared.
 */
export function runScenario(scenario: Scenario, opts: RunScenarioOptions = {}): RunResult {
  const world = buildWorld(scenario, opts.seed === undefined ? {} : { seed: opts.seed });
  const { sim, broker } = world;
  const binWidth = scenario.report?.binWidth ?? defaultBinWidth(world.end);
  const collector = new RunCollector(world.signals, { binWidth, clientSignals: world.clientSignals });
  opts.onWorld?.(world);
  let setupError: string | undefined;
  world.start((message) => {
    setupError = message;
    sim.stop(message);
  });
  if (scenario.stop?.whenDrained) watchDrain(world);
  const maxEvents = opts.maxEvents ?? 2_000_000_000;
  const slice = Math.max(1, Math.floor(world.end / 200));
  let events = 0;
  let stopReason = "until";
  const stuck = opts.stuckEvents ?? STUCK_EVENTS;
  let lastNow = -1;
  let eventsAtLastNow = 0;
  while (sim.now < world.end) {
    const until = Math.min(world.end, sim.now + slice);
    const out = sim.run({ until, maxEvents: Math.min(SLICE_EVENTS, stuck, maxEvents - events) });
    events += out.events;
    if (sim.now !== lastNow) {
      lastNow = sim.now;
      eventsAtLastNow = events;
    } else if (events - eventsAtLastNow > stuck) {
      throw new RunError(
        `simulated time is stuck at ${sim.now / 1e9} s: ${stuck} events ran without time advancing (a zero-delay loop, e.g. nack with requeue and a processing time of 0, or millions of messages published at one instant on a free broker)`,
      );
    }
    opts.onProgress?.({ now: sim.now, end: world.end, events });
    if (out.reason === "stopped") {
      stopReason = setupError === undefined ? "drained" : "error";
      break;
    }
    if (out.reason === "event-cap" && events >= maxEvents) {
      stopReason = "max-events";
      break;
    }
  }
  if (setupError !== undefined) throw new RunError(setupError);
  broker.finish();
  const result = collector.finish({
    scenario: {
      name: scenario.name,
      description: scenario.description,
      seed: world.seed,
      brokerVersion: scenario.broker.version,
      duration: world.end / 1e9,
      ...(scenario.source.sets.length > 0 ? { overrides: [...scenario.source.sets] } : {}),
    },
    endTime: sim.now,
    events,
    stopReason,
    copies: broker.ledger.copies,
    generatorVersion: AMQPSIM_VERSION,
    topology: world.topology,
  });
  let out: RunResult = result;
  const requests = requestStats(world);
  if (!world.clientLatency.empty || requests !== undefined) {
    const ext: Record<string, JsonValue> = { ...(out.extensions ?? {}) };
    if (!world.clientLatency.empty) ext.clientLatency = world.clientLatency.toJson();
    if (requests !== undefined) ext.requests = requests;
    out = { ...out, extensions: ext };
  }
  for (const ext of WORLD_EXTENSIONS) {
    const extra = ext.finish?.(world, out);
    if (extra) out = { ...out, ...extra };
  }
  if (scenario.slo) out = { ...out, slo: checkSlo(scenario.slo, out.summary) as unknown as JsonObject };
  return out;
}

/**
 * stop.whenDrained: once every producer has finished, poll (every 1/1000 of the run, at least
 * 1 ms) until every message copy has a fate, i.e. nothing is queued, unacked or on the wire.
 */
function watchDrain(world: World): void {
  const period = Math.max(1_000_000, Math.floor(world.end / 1000));
  let remaining = world.producers.length;
  const check = () => {
    const ledger = world.broker.ledger;
    if (ledger.settled === ledger.copies) world.sim.stop("drained");
    else world.sim.schedule(period, check);
  };
  if (remaining === 0) {
    world.sim.schedule(period, check);
    return;
  }
  for (const p of world.producers) {
    p.onFinished = () => {
      remaining--;
      if (remaining === 0) world.sim.schedule(0, check);
    };
  }
}

/** Request / reply producers (`rpc:`): requests, replies, timeouts and round trips per group, s. */
function requestStats(world: World): JsonObject | undefined {
  const groups = new Map<
    string,
    { sent: number; replies: number; timeouts: number; rtt: LogLinearHistogram }
  >();
  for (const p of world.producers) {
    if (!p.isRpc) continue;
    let g = groups.get(p.group);
    if (!g) {
      g = { sent: 0, replies: 0, timeouts: 0, rtt: new LogLinearHistogram() };
      groups.set(p.group, g);
    }
    g.sent += p.stats.published;
    g.replies += p.stats.replies;
    g.timeouts += p.stats.timeouts;
    for (const t of p.roundTrips) g.rtt.record(t);
  }
  if (groups.size === 0) return undefined;
  const s = (ns: number) => roundNumber(ns / 1e9);
  const out: Record<string, JsonObject> = {};
  for (const name of [...groups.keys()].sort()) {
    const g = groups.get(name)!;
    out[name] = {
      sent: g.sent,
      replies: g.replies,
      timeouts: g.timeouts,
      roundTrip: {
        unit: "s",
        mean: s(g.rtt.mean),
        p50: s(g.rtt.quantile(0.5)),
        p99: s(g.rtt.quantile(0.99)),
        max: s(g.rtt.max),
      },
    };
  }
  return out;
}
