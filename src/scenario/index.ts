export * from "./load.js";
export * from "./load-file.js";
export * from "./overrides.js";
export * from "./problem.js";
export * from "./schema/scenario.js";
export * from "./source.js";
