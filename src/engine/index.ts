export * from "./distributions.js";
export * from "./process.js";
export * from "./random.js";
export * from "./signal.js";
export * from "./simulator.js";
export * from "./special.js";
export * from "./time.js";
export * from "./units.js";
