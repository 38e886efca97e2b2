import type { RandomStream, RandomStreams } from "../engine/random.js";
import type { Nanoseconds } from "../engine/time.js";
import type { Endpoint } from "./runtime.js";

/** Anything that samples a delay in ns (the engine's Distribution satisfies it). */
export interface DelaySampler {
  sample(rng: RandomStream): number;
  readonly text?: string;
}

/** A fixed delay. */
export const constantDelay = (ns: Nanoseconds): DelaySampler => ({
  sample: () => ns,
  text: `const(${ns}ns)`,
});

export interface LinkConfig {
  /** One-way propagation + switching delay per frame, ns. */
  readonly latency: DelaySampler;
  /** Bytes per second the link serialises; Infinity for no serialisation delay. */
  readonly bandwidth: number;
  /**
   * Probability that a frame is lost on the wire. AMQP runs over TCP, so a lost segment is
   * retransmitted, not dropped: each loss adds `retransmitTimeout` (TCP's minimum RTO on Linux is
   * 200 ms), and successive losses of the same frame add up.
   */
  readonly loss: number;
  readonly retransmitTimeout: Nanoseconds;
}

export type LinkOverride = Partial<LinkConfig>;

/**
 * Defaults for one data centre: 50 us one way (a 100 us round trip, typical within a rack or
 * availability zone), 10 Gbit/s (1.25 GB/s), no loss.
 */
export const DEFAULT_LINK: LinkConfig = {
  latency: constantDelay(50_000),
  bandwidth: 1.25e9,
  loss: 0,
  retransmitTimeout: 200_000_000,
};

export const endpointKey = (e: Endpoint): string => (e.kind === "node" ? `n:${e.name}` : `c:${e.name}`);

export class Link {
  /** When the sender finishes serialising the last frame queued on this link. */
  busyUntil = 0;
  /** Arrival of the last frame: TCP delivers in order, so none arrives before it. */
  lastArrival = 0;
  config: LinkConfig;
  constructor(
    readonly rng: RandomStream,
    config: LinkConfig,
  ) {
    this.config = config;
  }
}

/**
 * Directed links between endpoints, created on first use with the default for their kind
 * (client-node or node-node) plus any per-pair override. A frame's arrival time is
 * max(now, link free) + bytes / bandwidth + latency (+ retransmissions), never before the previous
 * frame's arrival on the same link. Partitions cut node-node links (groups of nodes that cannot
 * reach each other); a node not listed in any group stays with the nodes not listed either.
 */
export class Network {
  /** from key -> to key -> link (nested: no string building per frame). */
  private readonly links = new Map<string, Map<string, Link>>();
  private readonly overrides = new Map<string, LinkOverride>();
  private groupOf: Map<string, number> | null = null;

  constructor(
    private readonly random: RandomStreams,
    private clientLink: LinkConfig,
    private nodeLink: LinkConfig,
  ) {}

  /** Override the link between two endpoints (both directions). Returns the previous override. */
  override(a: string, b: string, o: LinkOverride | null): LinkOverride | null {
    const key = pairKey(a, b);
    const prev = this.overrides.get(key) ?? null;
    if (o === null) this.overrides.delete(key);
    else this.overrides.set(key, o);
    for (const [from, m] of this.links) {
      for (const [to, link] of m) if (pairKey(from, to) === key) link.config = this.resolve(from, to);
    }
    return prev;
  }

  /** Cut node-node links between the groups; replaces any earlier partition. */
  partition(groups: readonly (readonly string[])[]): void {
    const g = new Map<string, number>();
    groups.forEach((nodes, i) => {
      for (const n of nodes) g.set(`n:${n}`, i);
    });
    this.groupOf = g;
  }

  heal(): void {
    this.groupOf = null;
  }

  get partitioned(): boolean {
    return this.groupOf !== null;
  }

  /** Whether node-node traffic between the two endpoint keys is cut. */
  cut(fromKey: string, toKey: string): boolean {
    const g = this.groupOf;
    if (g === null) return false;
    if (fromKey.charCodeAt(0) !== 110 || toKey.charCodeAt(0) !== 110) return false; // 'n'
    return (g.get(fromKey) ?? -1) !== (g.get(toKey) ?? -1);
  }

  /** Arrival time of `bytes` sent now from `fromKey` to `toKey`, reserving the link. */
  arrival(now: Nanoseconds, fromKey: string, toKey: string, bytes: number): Nanoseconds {
    return this.arrivalOn(this.link(fromKey, toKey), now, bytes);
  }

  /**
   * The directed link from `fromKey` to `toKey`, created on first use. Links live as long as the
   * network (overrides update them in place), so callers may keep the object.
   */
  link(fromKey: string, toKey: string): Link {
    let m = this.links.get(fromKey);
    if (m === undefined) {
      m = new Map();
      this.links.set(fromKey, m);
    }
    let link = m.get(toKey);
    if (link === undefined) {
      link = new Link(this.random.stream(`link:${fromKey}|${toKey}`), this.resolve(fromKey, toKey));
      m.set(toKey, link);
    }
    return link;
  }

  /** Arrival time of `bytes` sent now over `link`, reserving it. */
  arrivalOn(link: Link, now: Nanoseconds, bytes: number): Nanoseconds {
    const c = link.config;
    let t = link.busyUntil > now ? link.busyUntil : now;
    if (c.bandwidth !== Number.POSITIVE_INFINITY) t += Math.round((bytes / c.bandwidth) * 1e9);
    link.busyUntil = t;
    t += Math.round(c.latency.sample(link.rng));
    if (c.loss > 0) {
      while (link.rng.next() < c.loss) t += c.retransmitTimeout;
    }
    if (t < link.lastArrival) t = link.lastArrival;
    link.lastArrival = t;
    return t;
  }

  private resolve(fromKey: string, toKey: string): LinkConfig {
    const base = fromKey.startsWith("n:") && toKey.startsWith("n:") ? this.nodeLink : this.clientLink;
    const o = this.overrides.get(pairKey(fromKey, toKey));
    return o === undefined ? base : { ...base, ...o };
  }
}

/** Unordered pair key of two endpoint keys. */
function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}
