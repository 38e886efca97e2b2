import * as z from "zod";
import type { SectionCheck } from "./section.js";

/** Placeholder for the `slo:` section (objectives checked after a run; issue 7). */
export const sloShape = {
  slo: z
    .strictObject({})
    .optional()
    .meta({ description: "Service level objectives (not available yet: accepts no keys)." }),
};

export const sloChecks: readonly SectionCheck[] = [];
