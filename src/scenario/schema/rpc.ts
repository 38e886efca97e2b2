import * as z from "zod";
import type { SectionCheck } from "./section.js";

/** Placeholder for the `rpc:` section (oslo.messaging services; issue 6). */
export const rpcShape = {
  rpc: z
    .strictObject({})
    .optional()
    .meta({ description: "oslo.messaging RPC services (not available yet: accepts no keys)." }),
};

export const rpcChecks: readonly SectionCheck[] = [];
