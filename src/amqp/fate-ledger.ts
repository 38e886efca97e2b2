import { FATES, type Fate } from "./fate.js";

export type FateCounts = Record<Fate, number>;

export const zeroFates = (): FateCounts => Object.fromEntries(FATES.map((f) => [f, 0])) as FateCounts;

/**
 * Counts copies and fates (DESIGN.md "Message fates"): a copy starts when a message is published
 * (one copy), grows when routing finds several queues, and a dead-lettered copy starts new ones.
 * The invariant: copies started == fates recorded, once finish() has given every live copy its
 * end-of-run fate (queued / in-flight).
 */
export class FateLedger {
  copies = 0;
  readonly total: FateCounts = zeroFates();
  readonly queues = new Map<string, FateCounts>();
  readonly unqueued: FateCounts = zeroFates();

  record(queue: string | null, fate: Fate): void {
    this.total[fate]++;
    if (queue === null) {
      this.unqueued[fate]++;
      return;
    }
    let q = this.queues.get(queue);
    if (!q) {
      q = zeroFates();
      this.queues.set(queue, q);
    }
    q[fate]++;
  }

  get settled(): number {
    let n = 0;
    for (const f of FATES) n += this.total[f];
    return n;
  }

  /** Throws when the fates recorded do not add up to the copies started. */
  check(): void {
    const n = this.settled;
    if (n !== this.copies) {
      const parts = FATES.filter((f) => this.total[f] > 0).map((f) => `${f}=${this.total[f]}`);
      throw new Error(
        `message fate invariant violated: ${this.copies} copies published but ${n} fates recorded (${parts.join(", ")}); ${this.copies > n ? "some copies were never accounted for" : "some copies were counted twice"}`,
      );
    }
  }
}
