import { readFileSync } from "node:fs";
import { type LoadOptions, parseScenarioText, type Scenario } from "./load.js";
import { ScenarioError } from "./problem.js";

/**
 * Reads and validates a scenario file (and the files it extends). The one place in the scenario
 * layer that reads files; everything else works on text. Throws ScenarioError.
 */
export function loadScenarioFile(path: string, opts: Omit<LoadOptions, "readFile"> = {}): Scenario {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (e as Error).message;
    throw new ScenarioError([
      { file: path, line: 0, col: 0, path: "", message: `cannot read scenario: ${why}` },
    ]);
  }
  return parseScenarioText(text, path, { ...opts, readFile: (p) => readFileSync(p, "utf8") });
}
