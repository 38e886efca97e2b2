import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseScenarioText } from "../../src/scenario/load.js";
import { runScenario } from "../../src/scenario/run.js";

const NODES = ["rabbit-1", "rabbit-2", "rabbit-3"];

const base = `name: chaos
duration: 10s
broker: { version: "3.13" }
cluster:
  nodes: 3
  partitionHandling: PH
  netTicktime: 2s
  restartTime: 1s
  placement: { p1: rabbit-1, p2: rabbit-2, p3: rabbit-3, c1: rabbit-1, c2: rabbit-2, c3: rabbit-3 }
queues:
  - { name: transient, durable: false }
  - { name: durable }
  - { name: quorum, arguments: { x-queue-type: quorum } }
  - { name: mirrored }
policies:
  - { name: ha, pattern: "^mirrored$", applyTo: queues, definition: { ha-mode: all } }
producers:
  - { name: p1, routingKey: transient, rate: 40/s, confirms: true }
  - { name: p2, routingKey: durable, rate: 40/s, persistent: true, confirms: true }
  - { name: p3, routingKey: quorum, rate: 40/s, persistent: true, confirms: true }
  - { name: p1b, routingKey: mirrored, rate: 40/s, persistent: true }
consumers:
  - { name: c1, queue: transient, prefetch: 5, processing: exp(20ms) }
  - { name: c2, queue: quorum, prefetch: 5, processing: exp(20ms) }
  - { name: c3, queue: mirrored, prefetch: 5, processing: exp(30ms) }
  - { name: c3b, queue: durable, prefetch: 5, processing: exp(30ms) }
`;

const node = fc.constantFrom(...NODES);
const at = fc.integer({ min: 1, max: 9000 }).map((ms) => `${ms}ms`);
const fault = fc.oneof(
  fc
    .record({ at, node, restart: fc.integer({ min: 100, max: 3000 }) })
    .map((f) => `  - { at: ${f.at}, crash: ${f.node}, restartAfter: ${f.restart}ms }`),
  fc.record({ at, node }).map((f) => `  - { at: ${f.at}, stop: ${f.node}, startAfter: 500ms }`),
  fc
    .record({ at, node, heal: fc.integer({ min: 100, max: 5000 }) })
    .map(
      (f) =>
        `  - { at: ${f.at}, partition: [[${f.node}], [${NODES.filter((n) => n !== f.node).join(", ")}]], healAfter: ${f.heal}ms }`,
    ),
  fc.record({ at, node }).map((f) => `  - { at: ${f.at}, alarm: memory, node: ${f.node}, for: 1s }`),
);

describe("fault properties", () => {
  it("any schedule of crashes, stops, partitions and alarms keeps every message copy accounted for, deterministically", () => {
    fc.assert(
      fc.property(
        fc.array(fault, { minLength: 1, maxLength: 4 }),
        fc.constantFrom("ignore", "pause_minority", "autoheal"),
        (faults, ph) => {
          const text = `${base.replace("PH", ph)}faults:\n${faults.join("\n")}\n`;
          const r = runScenario(parseScenarioText(text, "chaos.yaml"));
          expect(r.fates.conserved).toBe(true);
          const again = runScenario(parseScenarioText(text, "chaos.yaml"));
          expect(JSON.stringify(again.fates)).toBe(JSON.stringify(r.fates));
        },
      ),
      { numRuns: 8, seed: 42 },
    );
  });
});
