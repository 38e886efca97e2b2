import { InvalidArgumentError } from "commander";

/** Commander collector for repeatable options (--set a=1 --set b=2). */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** --seed: a non-negative safe integer. */
export function parseSeed(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError("a seed is a non-negative whole number");
  }
  return Number(value);
}
