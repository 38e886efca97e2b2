export * from "./flows-section.js";
export * from "./model.js";
export * from "./sections.js";
export * from "./sequence-diagram.js";
export * from "./summary-section.js";
export * from "./text.js";
export * from "./waterfall.js";
