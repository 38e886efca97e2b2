import type { ConformanceCase } from "../case.js";
import { confirmCases } from "./confirms.js";
import { consumeCases } from "./consume.js";
import { declareCases } from "./declare.js";
import { dispatchCases } from "./dispatch.js";
import { dispatchCases2 } from "./dispatch2.js";
import { edgeCases } from "./edges.js";
import { exchangeCases } from "./exchanges.js";
import { interplayCases } from "./interplay.js";
import { moreCases } from "./more.js";
import { probeCases } from "./probes.js";
import { probeCases2 } from "./probes2.js";
import { probeCases3 } from "./probes3.js";
import { probeCases4 } from "./probes4.js";
import { publishCases } from "./publish.js";
import { queueCases } from "./queues.js";
import { quorumCases } from "./quorum.js";

/** Every conformance case, in recording order. Names are unique (checked by the replay test). */
export const ALL_CASES: readonly ConformanceCase[] = [
  ...exchangeCases,
  ...declareCases,
  ...queueCases,
  ...consumeCases,
  ...publishCases,
  ...moreCases,
  ...edgeCases,
  ...interplayCases,
  ...probeCases,
  ...probeCases2,
  ...probeCases3,
  ...probeCases4,
  ...dispatchCases,
  ...dispatchCases2,
  ...confirmCases,
  ...quorumCases,
];
