export * from "./random.js";
export * from "./signal.js";
export * from "./simulator.js";
export * from "./time.js";
