export * from "./consumer-activity.js";
export * from "./result.js";
