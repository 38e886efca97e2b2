import type { RandomStream } from "../engine/random.js";

/** Where a producer's routing keys come from. */
export type KeySource =
  | { readonly kind: "template"; readonly template: string }
  | { readonly kind: "choice"; readonly keys: readonly string[]; readonly weights?: readonly number[] };

const PLACEHOLDER = /\{(i|seq|rand:(\d+))\}/g;

/**
 * Generates routing keys. Templates substitute {i} (producer instance, 0-based), {seq} (message
 * number of the instance, 0-based) and {rand:N} (uniform integer in [0, N)); a choice picks a key
 * uniformly or by weight. Draws come from the producer's own stream.
 */
export class RoutingKeys {
  private readonly cumulative: number[] | undefined;
  private readonly fixed: string | undefined;

  constructor(
    private readonly source: KeySource,
    private readonly instance: number,
    private readonly rng: RandomStream,
  ) {
    if (source.kind === "choice" && source.weights) {
      let acc = 0;
      const total = source.weights.reduce((a, b) => a + b, 0);
      this.cumulative = source.weights.map((w) => (acc += w / total));
    }
    this.fixed = source.kind === "template" && !source.template.includes("{") ? source.template : undefined;
  }

  next(seq: number): string {
    if (this.fixed !== undefined) return this.fixed;
    const s = this.source;
    if (s.kind === "template") {
      return s.template.replace(PLACEHOLDER, (_m, what: string, n: string | undefined) =>
        what === "i"
          ? String(this.instance)
          : what === "seq"
            ? String(seq)
            : String(Math.floor(this.rng.next() * Number(n))),
      );
    }
    const u = this.rng.next();
    if (this.cumulative) {
      for (let i = 0; i < this.cumulative.length; i++) if (u < this.cumulative[i]!) return s.keys[i]!;
      return s.keys[s.keys.length - 1]!;
    }
    return s.keys[Math.floor(u * s.keys.length)]!;
  }
}
