import { describe, expect, test } from "vitest";
import { ALL_CASES } from "./cases/index.js";
import { comparable, firstDifference, loadFixtures } from "./compare.js";
import { definitionOf } from "./fixture.js";
import { KNOWN_DIFFERENCES } from "./known-differences.js";
import { playOnSimulator } from "./sim-driver.js";

/**
 * Replays every fixture recorded from a real RabbitMQ (npm run conformance:record) against the
 * simulator and compares exactly: results and events of every step (deliveries per consumer in
 * order, delivery tags, redelivered flags, headers incl. x-death, returns, confirms, queue counts
 * at checkpoints, channel errors by reply code). No broker is needed.
 */
const fixtures = loadFixtures();

describe("conformance fixtures", () => {
  test("every case has a fixture recorded from its current definition, and every fixture a case", () => {
    const names = ALL_CASES.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    expect([...fixtures.keys()].sort()).toEqual([...names].sort());
    for (const c of ALL_CASES) expect(fixtures.get(c.name)?.definition, c.name).toEqual(definitionOf(c));
  });

  test("fixtures come from a real RabbitMQ and there are at least 60", () => {
    expect(fixtures.size).toBeGreaterThanOrEqual(60);
    for (const f of fixtures.values()) {
      expect(f.broker.product).toBe("RabbitMQ");
      expect(f.broker.version).toMatch(/^\d+\.\d+\.\d+/);
    }
  });

  test("every known difference names an existing case", () => {
    for (const name of Object.keys(KNOWN_DIFFERENCES)) expect(fixtures.has(name), name).toBe(true);
  });
});

describe("simulator replays RabbitMQ fixtures", () => {
  for (const kase of ALL_CASES) {
    const fixture = fixtures.get(kase.name);
    const known = KNOWN_DIFFERENCES[kase.name];
    const title = known ? `${kase.name}: known difference (${known})` : `${kase.name}: ${kase.rule}`;
    test(title, () => {
      expect(
        fixture,
        `no fixture for ${kase.name}: run npm run conformance:record -- ${kase.name}`,
      ).toBeDefined();
      const { record, fateError } = playOnSimulator(kase);
      // every message copy ends in exactly one fate, in every case
      expect(fateError).toBeUndefined();
      if (known) {
        expect(
          firstDifference(fixture!, record),
          `${kase.name} now matches RabbitMQ: remove it from known-differences.ts`,
        ).not.toBeNull();
      } else {
        expect(comparable(record), firstDifference(fixture!, record) ?? "").toEqual(comparable(fixture!));
      }
    });
  }
});
