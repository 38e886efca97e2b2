import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CaseRecord, Fixture, StepRecord } from "./fixture.js";

export const FIXTURES_DIR = join(dirname(fileURLToPath(import.meta.url)), "fixtures");

/** Every recorded fixture, by case name. */
export function loadFixtures(): Map<string, Fixture> {
  const out = new Map<string, Fixture>();
  for (const f of readdirSync(FIXTURES_DIR).sort()) {
    if (!f.endsWith(".json")) continue;
    const fx = JSON.parse(readFileSync(join(FIXTURES_DIR, f), "utf8")) as Fixture;
    out.set(fx.case, fx);
  }
  return out;
}

/**
 * What is compared: every step's result and events, and the server-named queue prefixes. Error
 * texts are left out (informative only; reply codes are compared).
 */
export function comparable(r: CaseRecord): { steps: unknown; serverNamed: unknown } {
  const strip = (s: readonly StepRecord[]): unknown =>
    JSON.parse(JSON.stringify(s), (k, v) => (k === "text" ? undefined : v));
  return { steps: strip(r.steps), serverNamed: r.serverNamed };
}

/** The first step where the two records differ, for messages and DIFFERENCES.md; null if equal. */
export function firstDifference(expected: CaseRecord, got: CaseRecord): string | null {
  const e = comparable(expected);
  const g = comparable(got);
  const es = e.steps as unknown[];
  const gs = g.steps as unknown[];
  for (let i = 0; i < Math.max(es.length, gs.length); i++) {
    const a = JSON.stringify(es[i]);
    const b = JSON.stringify(gs[i]);
    if (a !== b) return `step ${i}:\n  expected ${a}\n  got      ${b}`;
  }
  const a = JSON.stringify(e.serverNamed);
  const b = JSON.stringify(g.serverNamed);
  return a === b ? null : `serverNamed: expected ${a}, got ${b}`;
}
