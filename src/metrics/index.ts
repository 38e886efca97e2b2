export * from "./binned.js";
export * from "./collector.js";
export * from "./consumer-activity.js";
export * from "./histogram.js";
export * from "./histogram-batch.js";
export * from "./result.js";
export * from "./result-json.js";
export * from "./small-int-map.js";
