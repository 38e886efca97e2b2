export * from "./free-runtime.js";
export * from "./runtime.js";
