import seedrandom from "seedrandom";

/** A source of uniform numbers in [0, 1). Every stochastic component draws from its own. */
export interface RandomStream {
  readonly name: string;
  /** Uniform in [0, 1). */
  next(): number;
}

/**
 * cyrb53: a fast 53-bit string hash. Used only to derive seeds, never for draws, so that seeds
 * derived from (seed, name) or (seed, point, replication) are well spread and reproducible.
 */
function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** A seed derived from a parent seed and a path of keys, e.g. deriveSeed(7, "replication", 3). */
export function deriveSeed(seed: number, ...keys: (string | number)[]): number {
  return hash53(`${seed}/${keys.join("/")}`);
}

/**
 * Named random streams derived from one scenario seed. stream(name) depends only on (seed, name):
 * adding a producer creates a new stream and leaves every other stream's draws unchanged, which
 * gives common random numbers across the points of a sweep. Generator: seedrandom's Alea.
 */
export class RandomStreams {
  private readonly streams = new Map<string, RandomStream>();

  constructor(readonly seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new RangeError(`seed must be a non-negative integer, got ${seed}`);
    }
  }

  /** The stream for `name`, created on first use. The same name always returns the same stream. */
  stream(name: string): RandomStream {
    let s = this.streams.get(name);
    if (s === undefined) {
      const prng = seedrandom.alea(`amqpsim/${this.seed}/${name}`);
      // Alea's generator reads its state from a closure, not from `this`: call it directly.
      s = { name, next: prng };
      this.streams.set(name, s);
    }
    return s;
  }

  /** Streams for replication k of the same scenario: seed derived from (seed, k). */
  replication(k: number): RandomStreams {
    return new RandomStreams(deriveSeed(this.seed, "replication", k));
  }
}
