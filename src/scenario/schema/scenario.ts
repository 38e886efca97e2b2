import * as z from "zod";
import { clusterChecks, clusterShape } from "./cluster.js";
import { consumerChecks, consumersShape } from "./consumers.js";
import { faultsChecks, faultsShape } from "./faults.js";
import { metaShape } from "./meta.js";
import { producerChecks, producersShape } from "./producers.js";
import { rpcChecks, rpcShape } from "./rpc.js";
import type { SectionCheck } from "./section.js";
import { sloChecks, sloShape } from "./slo.js";
import { topologyChecks, topologyShape } from "./topology.js";

/**
 * The scenario file format: the single source of truth for validation, the TypeScript types and
 * schema/scenario.schema.json. Each section is its own file; add a section by spreading its
 * shape here and listing its checks below.
 */
export const scenarioSchema = z
  .strictObject({
    $schema: z.string().optional().meta({ description: "JSON Schema reference for editors (ignored)." }),
    ...metaShape,
    ...topologyShape,
    ...producersShape,
    ...consumersShape,
    ...clusterShape,
    ...faultsShape,
    ...rpcShape,
    ...sloShape,
  })
  .meta({
    title: "amqpsim scenario",
    description: "A deterministic AMQP 0-9-1 (RabbitMQ) simulation: topology, workload, run control.",
  });

/** Cross-reference checks of every section, run on the raw document. */
export const SECTION_CHECKS: readonly SectionCheck[] = [
  ...topologyChecks,
  ...producerChecks,
  ...consumerChecks,
  ...clusterChecks,
  ...faultsChecks,
  ...rpcChecks,
  ...sloChecks,
];

/** The scenario as written (strings with units), e.g. for tests and the importer. */
export type ScenarioInput = z.input<typeof scenarioSchema>;
/** The validated scenario: defaults filled, units resolved (ns, per second, bytes, Distributions). */
export type ScenarioSpec = z.output<typeof scenarioSchema>;
export type ExchangeSpec = ScenarioSpec["exchanges"][number];
export type QueueSpec = ScenarioSpec["queues"][number];
export type BindingSpec = ScenarioSpec["bindings"][number];
export type PolicySpec = ScenarioSpec["policies"][number];
export type ProducerSpec = ScenarioSpec["producers"][number];
export type ConsumerSpec = ScenarioSpec["consumers"][number];
