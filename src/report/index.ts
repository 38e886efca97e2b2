export * from "./csv.js";
export * from "./escape.js";
export * from "./format.js";
export * from "./palette.js";
export * from "./render.js";
export * from "./sections/section.js";
export * from "./text-summary.js";
