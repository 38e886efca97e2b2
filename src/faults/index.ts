export * from "./alarm.js";
export * from "./client-faults.js";
export * from "./fault.js";
export * from "./link.js";
export * from "./markers.js";
export * from "./node-faults.js";
export * from "./partition.js";
