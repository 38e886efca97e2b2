import type { SectionRenderer } from "../sections/section.js";
import { rpcFlowsSection } from "./flows-section.js";
import { rpcSummarySection } from "./summary-section.js";

/** The RPC report sections, in page order; each returns null for a result without `rpc`. */
export const RPC_SECTIONS: readonly SectionRenderer[] = [rpcSummarySection, rpcFlowsSection];
