import type { RandomStream } from "../engine/random.js";
import { type Nanoseconds, NS_PER_S } from "../engine/time.js";

/** How often a producer publishes. Rates are per second, times ns from the producer's start. */
export type RateShape =
  | { readonly kind: "constant"; readonly rate: number }
  | { readonly kind: "ramp"; readonly from: number; readonly to: number; readonly over: Nanoseconds }
  /** Piecewise-constant; `at` is ns from the producer's start, increasing; rate 0 before the first step. */
  | {
      readonly kind: "schedule";
      readonly steps: readonly { readonly at: Nanoseconds; readonly rate: number }[];
    }
  | { readonly kind: "bursts"; readonly size: number; readonly every: Nanoseconds }
  /** No rate: publish back to back (each message as soon as the previous one is handed over). */
  | { readonly kind: "asap" };

export type Arrivals = "constant" | "poisson";

/**
 * Arrival times from a rate shape. The shape defines the expected cumulative count Λ(t) of
 * messages by time t; constant arrivals put message k at Λ⁻¹(k) (evenly spaced in "expected
 * count"), Poisson arrivals at Λ⁻¹(E₁ + ... + E_k) with Eᵢ ~ Exp(1), which is a non-homogeneous
 * Poisson process of intensity rate(t) (time-change theorem). Evaluating Λ⁻¹ in closed form keeps
 * one event per message whatever the shape.
 */
export class ArrivalClock {
  private target = 0;
  private k = 0;

  constructor(
    private readonly shape: RateShape,
    private readonly arrivals: Arrivals,
    private readonly rng: RandomStream,
  ) {}

  /** Time (ns from the producer's start) of the next message, Infinity if there is none. */
  next(): Nanoseconds {
    const s = this.shape;
    const k = this.k++;
    if (s.kind === "asap") return 0;
    if (s.kind === "bursts") return Math.floor(k / s.size) * s.every;
    if (this.arrivals === "poisson") this.target += -Math.log(1 - this.rng.next());
    else this.target = k;
    const t = inverse(s, this.target);
    return Number.isFinite(t) ? Math.round(t * NS_PER_S) : Number.POSITIVE_INFINITY;
  }
}

/** Smallest t (seconds) with Λ(t) >= x, or Infinity. */
function inverse(s: RateShape, x: number): number {
  switch (s.kind) {
    case "constant":
      return s.rate > 0 ? x / s.rate : Number.POSITIVE_INFINITY;
    case "ramp": {
      const over = s.over / NS_PER_S;
      const slope = over > 0 ? (s.to - s.from) / over : 0;
      const atEnd = s.from * over + (slope * over * over) / 2;
      if (x <= atEnd) {
        if (x <= 0) return 0;
        // slope/2 t² + from t - x = 0, the root in [0, over]
        if (Math.abs(slope) < 1e-12) return x / s.from;
        const disc = s.from * s.from + 2 * slope * x;
        return (-s.from + Math.sqrt(Math.max(0, disc))) / slope;
      }
      return s.to > 0 ? over + (x - atEnd) / s.to : Number.POSITIVE_INFINITY;
    }
    case "schedule": {
      let acc = 0;
      const steps = s.steps;
      for (let i = 0; i < steps.length; i++) {
        const from = steps[i]!.at / NS_PER_S;
        const to = i + 1 < steps.length ? steps[i + 1]!.at / NS_PER_S : Number.POSITIVE_INFINITY;
        const r = steps[i]!.rate;
        const segment = r * (to - from);
        // half-open [acc, acc + segment): a message due exactly at a rate change goes to the next
        // segment that publishes (so a pause starting at 5s sends nothing at 5s)
        if (r > 0 && acc + segment > x) return from + Math.max(0, x - acc) / r;
        acc += segment;
      }
      return Number.POSITIVE_INFINITY;
    }
    default:
      return 0;
  }
}

/** A short text of the shape for the topology snapshot, e.g. "200/s", "poisson(50/s)". */
export function describeRate(shape: RateShape, arrivals: Arrivals): string {
  const r = (x: number) => `${Number(x.toPrecision(6))}/s`;
  const wrap = (t: string) => (arrivals === "poisson" ? `poisson(${t})` : t);
  switch (shape.kind) {
    case "constant":
      return wrap(r(shape.rate));
    case "ramp":
      return wrap(`ramp ${r(shape.from)} -> ${r(shape.to)} over ${shape.over / NS_PER_S}s`);
    case "schedule":
      return wrap(`schedule ${shape.steps.map((s) => `${s.at / NS_PER_S}s:${r(s.rate)}`).join(", ")}`);
    case "bursts":
      return `bursts of ${shape.size} every ${shape.every / NS_PER_S}s`;
    default:
      return "as fast as possible";
  }
}
