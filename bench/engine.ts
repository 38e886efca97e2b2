/**
 * Engine benchmarks.
 *
 * 1. M/M/c (λ = 9/s, μ = 1/s, c = 10), 1,000,000 customers (2 M events): the Simulator against
 *    minimal hand-written loops over a binary heap (typed arrays, and event objects), all fed the
 *    same pre-drawn inter-arrival and service times so that only the event machinery differs.
 * 3. Actor styles: 1,000 actors each waking after exp(1 s) draws, written as callbacks scheduled
 *    with an `arg` (the model's style) and as generator processes (spawn).
 * 2. Hold model (Vaucher & Duval 1975): P events pending; each executed event schedules one new
 *    event at now + exp(1 s), so the queue size stays P. Events per second at P = 10 .. 10^6.
 */
import { RandomStreams, Simulator, spawn } from "../src/engine/index.js";
import type { Benchmark } from "./harness.js";

const NS = 1e9;

function expDraws(seed: number, name: string, n: number, meanNs: number): Float64Array {
  const rng = new RandomStreams(seed).stream(name);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(-meanNs * Math.log(1 - rng.next()));
  return out;
}

// ---- M/M/c ----------------------------------------------------------------------------------

const CUSTOMERS = 1_000_000;
const SERVERS = 10;
let mmcDraws: { inter: Float64Array; service: Float64Array } | undefined;
function draws(): { inter: Float64Array; service: Float64Array } {
  mmcDraws ??= {
    inter: expDraws(1, "mmc/arrivals", CUSTOMERS, NS / 9),
    service: expDraws(1, "mmc/service", CUSTOMERS, NS / 1),
  };
  return mmcDraws;
}

/** Mean wait of the last run of each implementation, printed so the runs can be seen to agree. */
export const lastMeanWait: Record<string, number> = {};

/** M/M/c on the engine; returns events executed. */
export function mmcEngine(): number {
  const { inter, service } = draws();
  const n = inter.length;
  const sim = new Simulator();
  const arrivedAt = new Float64Array(n);
  const waiting = new Int32Array(n); // FIFO of customer indices
  let head = 0;
  let tail = 0;
  let next = 0;
  let busy = 0;
  let waitSum = 0;
  const depart = (): void => {
    if (head < tail) {
      const j = waiting[head++]!;
      waitSum += sim.now - arrivedAt[j]!;
      sim.schedule(service[j]!, depart);
    } else busy--;
  };
  const arrive = (): void => {
    const i = next++;
    arrivedAt[i] = sim.now;
    if (next < n) sim.schedule(inter[next]!, arrive);
    if (busy < SERVERS) {
      busy++;
      sim.schedule(service[i]!, depart);
    } else waiting[tail++] = i;
  };
  sim.schedule(inter[0]!, arrive);
  sim.run();
  lastMeanWait.engine = waitSum / n / NS;
  return sim.eventsExecuted;
}

/**
 * The same model as a minimal hand-written loop: a binary heap over parallel typed arrays keyed
 * by (time, sequence), an event kind code, no closures, no cancellation. The strongest simple
 * baseline we could write.
 */
export function mmcTypedHeap(): number {
  const { inter, service } = draws();
  const n = inter.length;
  const cap = SERVERS + 4;
  const ht = new Float64Array(cap);
  const hs = new Float64Array(cap);
  const hk = new Int32Array(cap); // kind: 0 arrival, 1 departure
  let size = 0;
  let seq = 0;
  const push = (t: number, k: number): void => {
    let i = size++;
    const s = seq++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (ht[p]! < t || (ht[p] === t && hs[p]! < s)) break;
      ht[i] = ht[p]!;
      hs[i] = hs[p]!;
      hk[i] = hk[p]!;
      i = p;
    }
    ht[i] = t;
    hs[i] = s;
    hk[i] = k;
  };
  const arrivedAt = new Float64Array(n);
  const waiting = new Int32Array(n);
  let head = 0;
  let tail = 0;
  let next = 0;
  let busy = 0;
  let waitSum = 0;
  let events = 0;
  push(inter[0]!, 0);
  while (size > 0) {
    const now = ht[0]!;
    const kind = hk[0]!;
    // pop: sift the last entry down from the root
    const lt = ht[--size]!;
    const ls = hs[size]!;
    const lk = hk[size]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= size) break;
      if (c + 1 < size && (ht[c + 1]! < ht[c]! || (ht[c + 1] === ht[c] && hs[c + 1]! < hs[c]!))) c++;
      if (lt < ht[c]! || (lt === ht[c] && ls < hs[c]!)) break;
      ht[i] = ht[c]!;
      hs[i] = hs[c]!;
      hk[i] = hk[c]!;
      i = c;
    }
    ht[i] = lt;
    hs[i] = ls;
    hk[i] = lk;
    events++;
    if (kind === 0) {
      const j = next++;
      arrivedAt[j] = now;
      if (next < n) push(now + inter[next]!, 0);
      if (busy < SERVERS) {
        busy++;
        push(now + service[j]!, 1);
      } else waiting[tail++] = j;
    } else if (head < tail) {
      const j = waiting[head++]!;
      waitSum += now - arrivedAt[j]!;
      push(now + service[j]!, 1);
    } else busy--;
  }
  lastMeanWait.typedHeap = waitSum / n / NS;
  return events;
}

interface Ev {
  t: number;
  s: number;
  k: number;
}

/** A plain binary heap of event objects, the textbook implementation. */
class ObjectHeap {
  private a: Ev[] = [];
  private seq = 0;
  get size(): number {
    return this.a.length;
  }
  push(t: number, k: number): void {
    const a = this.a;
    const e = { t, s: this.seq++, k };
    let i = a.length;
    a.push(e);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pe = a[p]!;
      if (pe.t < t || (pe.t === t && pe.s < e.s)) break;
      a[i] = pe;
      i = p;
    }
    a[i] = e;
  }
  pop(): Ev {
    const a = this.a;
    const top = a[0]!;
    const last = a.pop()!;
    const n = a.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        const r = c + 1;
        if (r < n && (a[r]!.t < a[c]!.t || (a[r]!.t === a[c]!.t && a[r]!.s < a[c]!.s))) c = r;
        const ce = a[c]!;
        if (last.t < ce.t || (last.t === ce.t && last.s < ce.s)) break;
        a[i] = ce;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

export function mmcObjectHeap(): number {
  const { inter, service } = draws();
  const n = inter.length;
  const heap = new ObjectHeap();
  const arrivedAt = new Float64Array(n);
  const waiting = new Int32Array(n);
  let head = 0;
  let tail = 0;
  let next = 0;
  let busy = 0;
  let waitSum = 0;
  let events = 0;
  heap.push(inter[0]!, 0);
  while (heap.size > 0) {
    const e = heap.pop();
    const now = e.t;
    events++;
    if (e.k === 0) {
      const j = next++;
      arrivedAt[j] = now;
      if (next < n) heap.push(now + inter[next]!, 0);
      if (busy < SERVERS) {
        busy++;
        heap.push(now + service[j]!, 1);
      } else waiting[tail++] = j;
    } else if (head < tail) {
      const j = waiting[head++]!;
      waitSum += now - arrivedAt[j]!;
      heap.push(now + service[j]!, 1);
    } else busy--;
  }
  lastMeanWait.objectHeap = waitSum / n / NS;
  return events;
}

// ---- hold model -----------------------------------------------------------------------------

const HOLD_EVENTS = 2_000_000;
const HOLD_DRAWS = 1 << 20;
let holdDraws: Float64Array | undefined;
const holdIncrements = (): Float64Array => {
  holdDraws ??= expDraws(2, "hold", HOLD_DRAWS, NS);
  return holdDraws;
};

/** Hold model on the engine: P pending events (filled in prepare, untimed), then `events` holds. */
export function holdEngine(
  pending: number,
  events = HOLD_EVENTS,
): { prepare: () => void; run: () => number } {
  let sim = new Simulator();
  let k = 0;
  const inc = holdIncrements();
  const mask = HOLD_DRAWS - 1;
  const hold = (): void => {
    sim.schedule(inc[k++ & mask]!, hold);
  };
  return {
    prepare: () => {
      sim = new Simulator();
      k = 0;
      for (let i = 0; i < pending; i++) sim.schedule(inc[k++ & mask]!, hold);
    },
    run: () => sim.run({ maxEvents: events }).events,
  };
}

export function holdObjectHeap(
  pending: number,
  events = HOLD_EVENTS,
): { prepare: () => void; run: () => number } {
  let heap = new ObjectHeap();
  let k = 0;
  const inc = holdIncrements();
  const mask = HOLD_DRAWS - 1;
  return {
    prepare: () => {
      heap = new ObjectHeap();
      k = 0;
      for (let i = 0; i < pending; i++) heap.push(inc[k++ & mask]!, 0);
    },
    run: () => {
      for (let e = 0; e < events; e++) {
        const ev = heap.pop();
        heap.push(ev.t + inc[k++ & mask]!, 0);
      }
      return events;
    },
  };
}

// ---- actor styles ---------------------------------------------------------------------------

const ACTORS = 1_000;

interface Ticker {
  n: number;
}

export function actorsCallbacks(events = HOLD_EVENTS): number {
  const inc = holdIncrements();
  const mask = HOLD_DRAWS - 1;
  let k = 0;
  const sim = new Simulator();
  const tick = (t: Ticker): void => {
    t.n++;
    sim.schedule(inc[k++ & mask]!, tick, t);
  };
  for (let i = 0; i < ACTORS; i++) sim.schedule(inc[k++ & mask]!, tick, { n: 0 });
  return sim.run({ maxEvents: events }).events;
}

export function actorsGenerators(events = HOLD_EVENTS): number {
  const inc = holdIncrements();
  const mask = HOLD_DRAWS - 1;
  let k = 0;
  const sim = new Simulator();
  for (let i = 0; i < ACTORS; i++) {
    spawn(
      sim,
      (function* () {
        const state: Ticker = { n: 0 }; // same per-step work as the callback version
        for (;;) {
          yield inc[k++ & mask]!;
          state.n++;
        }
      })(),
    );
  }
  return sim.run({ maxEvents: events }).events;
}

export const benchmarks: Benchmark[] = [
  {
    group: "engine",
    name: "M/M/c λ=9 μ=1 c=10, 1,000,000 customers (same random numbers)",
    unit: "events",
    baseline: "minimal loop, typed-array binary heap",
    cases: [
      { name: "minimal loop, typed-array binary heap", run: mmcTypedHeap },
      { name: "minimal loop, binary heap of objects", run: mmcObjectHeap },
      { name: "amqpsim Simulator", run: mmcEngine },
    ],
  },
  ...[10, 1_000, 100_000, 1_000_000].map((p): Benchmark => {
    const events = p >= 100_000 ? HOLD_EVENTS / 2 : HOLD_EVENTS; // keeps `-- engine` near 2 minutes
    return {
      group: "engine",
      name: `hold model, P = ${p.toLocaleString("en-US")} pending, ${events.toLocaleString("en-US")} events (fill untimed)`,
      unit: "events",
      baseline: "binary heap of objects",
      rounds: p >= 100_000 ? 3 : 5,
      cases: [
        { name: "binary heap of objects", ...holdObjectHeap(p, events) },
        { name: "amqpsim Simulator", ...holdEngine(p, events) },
      ],
    };
  }),
  {
    group: "engine",
    name: `actor styles, ${ACTORS.toLocaleString("en-US")} actors, ${HOLD_EVENTS.toLocaleString("en-US")} events`,
    unit: "events",
    baseline: "callbacks with arg (the model's style)",
    cases: [
      { name: "callbacks with arg (the model's style)", run: () => actorsCallbacks() },
      { name: "generator processes (spawn)", run: () => actorsGenerators() },
    ],
  },
];
