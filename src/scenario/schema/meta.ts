import * as z from "zod";
import { duration, positive } from "./common.js";

/**
 * RabbitMQ versions whose behaviour the model knows. Quoted in YAML: an unquoted 3.10 is the
 * number 3.1.
 */
export const BROKER_VERSIONS = ["3.10", "3.11", "3.12", "3.13", "4.0", "4.1", "4.2", "4.3", "4.x"] as const;

const brokerVersion = z
  .enum(BROKER_VERSIONS, {
    error: (iss) =>
      typeof iss.input === "number"
        ? `write the version as a quoted string ("${iss.input}"): an unquoted 3.10 is the number 3.1; one of ${BROKER_VERSIONS.join(", ")}`
        : `unknown broker version; expected one of ${BROKER_VERSIONS.join(", ")}`,
  })
  .default("3.13")
  .meta({ description: 'RabbitMQ version whose semantics are modelled (quoted), e.g. "3.13".' });

/** The `broker:` section. The cluster section (nodes, costs) lives in its own section file. */
export const brokerSection = z
  .strictObject({ version: brokerVersion })
  .default({ version: "3.13" })
  .meta({ description: "The broker being modelled." });

/** Ends the run before `duration` when a condition holds. */
export const stopSection = z
  .strictObject({
    whenDrained: z.boolean().default(false).meta({
      description:
        "Stop as soon as every producer has finished (messages or stop reached) and no message is queued or unacked.",
    }),
  })
  .meta({ description: "Stop conditions that can end the run before `duration`." });

/** Report options. */
export const reportSection = z
  .strictObject({
    binWidth: duration("Width of a time-series bin, e.g. 1s (default: duration / 100, rounded).").optional(),
  })
  .meta({ description: "How results are binned for the report." });

/** Identity and run control: what every scenario starts with. */
export const metaShape = {
  name: z
    .string({ error: "a scenario needs a name (it names the report directory)" })
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
      "use letters, digits, '.', '_' and '-' only (it names a directory)",
    )
    .meta({ description: "Scenario name; also the report directory name." }),
  description: z.string().default("").meta({ description: "What the scenario teaches or answers." }),
  extends: z.string().optional().meta({
    description: "A base scenario file (path relative to this file) whose keys this one overrides.",
  }),
  seed: z
    .number()
    .int("a seed is a whole number")
    .min(0, "a seed cannot be negative")
    .max(Number.MAX_SAFE_INTEGER)
    .default(1)
    .meta({ description: "Seed of every random stream; same scenario + seed = same result." }),
  duration: positive(
    duration("Simulated time the run lasts, e.g. 30s or 10m."),
    "a run of 0 s simulates nothing",
  ),
  stop: stopSection.optional(),
  broker: brokerSection,
  report: reportSection.optional(),
};
