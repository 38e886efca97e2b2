/**
 * Simulated time. One representation everywhere: integer nanoseconds held in a JS number.
 * A double holds integers exactly up to 2^53 ns, about 104 days of simulated time, which bounds
 * the longest run (the engine refuses to schedule past it). Resolution is 1 ns; sampled durations
 * are rounded to whole nanoseconds so that time arithmetic stays exact and runs stay reproducible.
 */
export type Nanoseconds = number;

export const NS_PER_US = 1_000;
export const NS_PER_MS = 1_000_000;
export const NS_PER_S = 1_000_000_000;
export const NS_PER_MIN = 60 * NS_PER_S;
export const NS_PER_H = 60 * NS_PER_MIN;

/** Latest representable simulated time: 2^53 - 1 ns (about 104 days). */
export const MAX_TIME: Nanoseconds = Number.MAX_SAFE_INTEGER;

export const microseconds = (n: number): Nanoseconds => Math.round(n * NS_PER_US);
export const milliseconds = (n: number): Nanoseconds => Math.round(n * NS_PER_MS);
export const seconds = (n: number): Nanoseconds => Math.round(n * NS_PER_S);
export const minutes = (n: number): Nanoseconds => Math.round(n * NS_PER_MIN);

/** Nanoseconds to (fractional) seconds, for reports and rates. */
export const toSeconds = (t: Nanoseconds): number => t / NS_PER_S;
/** Nanoseconds to (fractional) milliseconds, for reports. */
export const toMilliseconds = (t: Nanoseconds): number => t / NS_PER_MS;
