export * from "./chart.js";
export * from "./csv.js";
export * from "./html.js";
export * from "./text.js";
