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
      s = new AleaStream(name, `amqpsim/${this.seed}/${name}`);
      this.streams.set(name, s);
    }
    return s;
  }

  /** Streams for replication k of the same scenario: seed derived from (seed, k). */
  replication(k: number): RandomStreams {
    return new RandomStreams(deriveSeed(this.seed, "replication", k));
  }
}

/**
 * Baagoe's Alea generator, as seedrandom's `alea(seed)` computes it (seedrandom/lib/alea.js: the
 * same Mash seeding and the same double arithmetic, so the draws are identical to the last bit;
 * test/engine/random.test.ts compares them). A class of its own, not seedrandom's closure behind a
 * wrapper, so next() is one monomorphic method call that the hot paths (a latency per network
 * frame, a service time per call) can inline.
 */
export class AleaStream implements RandomStream {
  private s0: number;
  private s1: number;
  private s2: number;
  private c = 1;

  constructor(
    readonly name: string,
    seed: string,
  ) {
    const mash = makeMash();
    this.s0 = mash(" ");
    this.s1 = mash(" ");
    this.s2 = mash(" ");
    this.s0 -= mash(seed);
    if (this.s0 < 0) this.s0 += 1;
    this.s1 -= mash(seed);
    if (this.s1 < 0) this.s1 += 1;
    this.s2 -= mash(seed);
    if (this.s2 < 0) this.s2 += 1;
  }

  next(): number {
    const t = 2091639 * this.s0 + this.c * 2.3283064365386963e-10; // 2^-32
    this.s0 = this.s1;
    this.s1 = this.s2;
    this.c = t | 0;
    this.s2 = t - this.c;
    return this.s2;
  }
}

/** Alea's Mash string hash (seedrandom/lib/alea.js), stateful across calls like the original. */
function makeMash(): (data: string) => number {
  let n = 0xefc8249d;
  return (data) => {
    for (let i = 0; i < data.length; i++) {
      n += data.charCodeAt(i);
      let h = 0.02519603282416938 * n;
      n = h >>> 0;
      h -= n;
      h *= n;
      n = h >>> 0;
      h -= n;
      n += h * 0x100000000; // 2^32
    }
    return (n >>> 0) * 2.3283064365386963e-10; // 2^-32
  };
}
