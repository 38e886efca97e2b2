import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { parseScenarioText, ScenarioError } from "../../src/scenario/index.js";

/** Keys and values a user might plausibly write, right or wrong. */
const KEYS = [
  "name",
  "duration",
  "seed",
  "queues",
  "exchanges",
  "bindings",
  "producers",
  "consumers",
  "policies",
  "rate",
  "size",
  "processing",
  "prefetch",
  "count",
  "queue",
  "exchange",
  "type",
  "arguments",
  "x-message-ttl",
  "x-max-length",
  "routingKey",
  "routingKeys",
  "nack",
  "probability",
  "start",
  "stop",
  "schedule",
  "ramp",
  "bursts",
  "confirms",
  "batch",
  "vhost",
  "key",
  "extends",
  "broker",
  "version",
  "whenDrained",
  "prefetchh",
];
const SCALARS = fc.oneof(
  fc.constantFrom(
    "10ms",
    "10",
    "200/s",
    "2KiB",
    "exp(5ms)",
    "uniform(1ms, 3ms)",
    "lognormal(median=2ms, p99=20ms)",
    "exp(",
    "uniform(3ms, 1ms)",
    "topic",
    "q",
    "",
    "amq.x",
    "3.13",
    "-1s",
    "1e400s",
    "NaN",
  ),
  fc.integer({ min: -5, max: 1000 }),
  fc.double({ noNaN: false }),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 8 }),
);
const VALUE: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small" }, SCALARS, tie("object"), tie("array")),
  object: fc.dictionary(fc.constantFrom(...KEYS), tie("value"), { maxKeys: 5 }),
  array: fc.array(tie("value"), { maxLength: 3 }),
})).value;

describe("scenario loading never crashes", () => {
  it("any YAML document either loads or fails with ScenarioError problems that have a position", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...KEYS), VALUE, { maxKeys: 8 }), (doc) => {
        const text = stringify(doc);
        try {
          parseScenarioText(text, "p.yaml");
        } catch (e) {
          if (!(e instanceof ScenarioError)) throw e;
          expect(e.problems.length).toBeGreaterThan(0);
          for (const p of e.problems) {
            expect(p.file).toBe("p.yaml");
            expect(p.line).toBeGreaterThanOrEqual(1);
            expect(p.col).toBeGreaterThanOrEqual(1);
            expect(p.message.length).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 120, seed: 42 },
    );
  });

  it("arbitrary text (not even YAML) fails with problems, never an exception", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        try {
          parseScenarioText(text, "p.yaml");
        } catch (e) {
          if (!(e instanceof ScenarioError)) throw e;
        }
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});
