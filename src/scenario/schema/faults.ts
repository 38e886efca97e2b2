import * as z from "zod";
import type { SectionCheck } from "./section.js";

/** Placeholder for the `faults:` section (crash, restart, partition ...; issue 5). */
export const faultsShape = {
  faults: z
    .array(z.strictObject({}))
    .max(0, "faults are not available yet")
    .optional()
    .meta({ description: "Fault schedule (not available yet: must be empty)." }),
};

export const faultsChecks: readonly SectionCheck[] = [];
