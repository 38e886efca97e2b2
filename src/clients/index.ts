export * from "./consumer.js";
export * from "./context.js";
export * from "./heartbeat.js";
export * from "./producer.js";
export * from "./rate-profile.js";
export * from "./reconnector.js";
export * from "./routing-key.js";
export * from "./topology.js";
