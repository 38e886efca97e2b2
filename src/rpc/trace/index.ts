export * from "./explain.js";
export * from "./flow-watch.js";
export * from "./fold.js";
export * from "./narrator.js";
