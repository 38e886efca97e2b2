import { deriveSeed } from "../engine/random.js";

/**
 * How replication seeds relate across the points of a sweep.
 *
 * - "common" (the default): common random numbers. Replication r uses the SAME seed at every
 *   point, deriveSeed(seed, "replication", r) (what RandomStreams.replication(r) gives). Every
 *   component draws from its own named stream, so a producer's arrivals and a consumer's service
 *   times are the same draws at every point; the difference between two points is then mostly the
 *   effect of the varied parameter, not noise, which makes curves smooth and comparisons sharp
 *   (Law, §11.2). Replications within a point are still independent, so each point's confidence
 *   interval is valid; intervals of DIFFERENT points are positively correlated, so do not read
 *   two overlapping intervals as "no difference" — compare the paired differences instead.
 * - "independent": deriveSeed(seed, "point", p, "replication", r); every run has its own seed.
 *   Use it when points must be statistically independent (e.g. to pool them).
 */
export type Seeding = "common" | "independent";

export const SEEDINGS: readonly Seeding[] = ["common", "independent"];

/** Seed of replication `replication` of grid point `point`. */
export function replicationSeed(seed: number, point: number, replication: number, seeding: Seeding): number {
  return seeding === "common"
    ? deriveSeed(seed, "replication", replication)
    : deriveSeed(seed, "point", point, "replication", replication);
}
