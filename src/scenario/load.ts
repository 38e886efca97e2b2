import { dirname, isAbsolute, join } from "node:path";
import { isMap, isScalar } from "yaml";
import type * as z from "zod";
import { applyOverrides } from "./overrides.js";
import { type Problem, ScenarioError } from "./problem.js";
import { type ScenarioSpec, SECTION_CHECKS, scenarioSchema } from "./schema/scenario.js";
import type { RawDoc } from "./schema/section.js";
import { knownKeysAt } from "./schema-walk.js";
import { mergeNodes, type PathSegment, parseYaml, type SourceTree, takeKey } from "./source.js";
import { didYouMean } from "./suggest.js";

/** A validated scenario and where it came from. */
export type Scenario = ScenarioSpec & {
  readonly source: {
    /** The file as given (or a label such as "<text>"). */
    readonly file: string;
    /** Overrides applied, in order. */
    readonly sets: readonly string[];
    /** The merged document (after extends and overrides), as plain data. */
    readonly document: unknown;
  };
};

export interface LoadOptions {
  /** `path=value` overrides, applied after `extends:` and before validation. */
  readonly sets?: readonly string[];
  /**
   * Reads another file (for `extends:`), given a path already resolved against the including
   * file's folder. Without it, `extends:` is a problem. The CLI passes fs.readFileSync.
   */
  readonly readFile?: (path: string) => string;
}

/**
 * Parses and validates scenario text. Throws ScenarioError with every problem found: YAML
 * syntax, schema (types, units, unknown keys with suggestions), cross-references; each with
 * file:line:col and a path.
 */
export function parseScenarioText(text: string, file: string, opts: LoadOptions = {}): Scenario {
  const { tree, problems } = parseYaml(text, file);
  if (problems.length > 0) throw new ScenarioError(problems);
  resolveExtends(tree, file, opts, [file], problems);
  problems.push(...applyOverrides(tree, opts.sets ?? []));
  if (problems.length > 0) throw new ScenarioError(problems);
  return validateTree(tree, file, opts.sets ?? []);
}

function resolveExtends(
  tree: SourceTree,
  file: string,
  opts: LoadOptions,
  chain: string[],
  problems: Problem[],
): void {
  if (!isMap(tree.root) || !tree.root.has("extends")) return;
  const at = tree.locate([], { key: "extends" });
  const fail = (message: string) => problems.push({ ...at, path: "extends", message });
  const valueNode = takeKey(tree.root, "extends");
  const value = isScalar(valueNode) ? valueNode.value : valueNode;
  if (typeof value !== "string" || value === "")
    return void fail("extends is a file path, e.g. extends: base.yaml");
  if (!opts.readFile) return void fail("extends needs a file reader (load the scenario from a file)");
  const basePath = isAbsolute(value) ? value : join(dirname(file), value);
  if (chain.includes(basePath)) return void fail(`extends cycle: ${[...chain, basePath].join(" -> ")}`);
  let baseText: string;
  try {
    baseText = opts.readFile(basePath);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return void fail(
      `cannot read base scenario ${basePath}: ${code === "ENOENT" ? "no such file" : (e as Error).message}`,
    );
  }
  // the base's nodes are recorded in the same origins map, so its problems point at its own file
  const base = parseYaml(baseText, basePath, tree.origins);
  if (base.problems.length > 0) return void problems.push(...base.problems);
  resolveExtends(base.tree, basePath, opts, [...chain, basePath], problems);
  tree.root = mergeNodes(tree, base.tree.root, tree.root);
}

/** Schema + checks over a (merged, overridden) tree. */
export function validateTree(tree: SourceTree, file: string, sets: readonly string[]): Scenario {
  const problems: Problem[] = [];
  let raw: unknown;
  try {
    raw = tree.toJS();
  } catch (e) {
    // e.g. an alias to an anchor defined later (`*x` before `&x`): the YAML is unusable
    throw new ScenarioError([tree.problem([], `YAML: ${(e as Error).message}`)]);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new ScenarioError([
      tree.problem([], "a scenario is a YAML map of keys (name, duration, exchanges, queues, ...)"),
    ]);
  }
  const result = scenarioSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(...issueProblems(tree, issue));
  }
  const ctx = {
    problem: (path: readonly PathSegment[], message: string, o?: { key?: string; offset?: number }) => {
      problems.push(tree.problem(path, message, o));
    },
  };
  for (const check of SECTION_CHECKS) check(raw as RawDoc, ctx);
  if (problems.length > 0 || !result.success) throw new ScenarioError(dedupe(problems));
  return { ...result.data, source: { file, sets: [...sets], document: raw } };
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.file}:${p.line}:${p.col}:${p.path}:${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

type Issue = z.core.$ZodIssue;

/** One zod issue as user-facing problems (an unknown-keys issue yields one problem per key). */
function issueProblems(tree: SourceTree, issue: Issue): Problem[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
  switch (issue.code) {
    case "unrecognized_keys": {
      const known = knownKeysAt(scenarioSchema, path);
      return issue.keys.map((key) =>
        tree.problem(path, `unknown key "${key}"${didYouMean(key, known)}`, { key }),
      );
    }
    case "invalid_type":
      if (issue.input === undefined) {
        const key = path[path.length - 1];
        return [tree.problem(path, `"${String(key)}" is required (${issue.expected})`)];
      }
      return [tree.problem(path, issue.message)];
    case "invalid_value": {
      const values = issue.values.map(String);
      const input = issue.input;
      if (values.length > 1 && typeof input === "string") {
        return [
          tree.problem(path, `"${input}" is not one of ${values.join(", ")}${didYouMean(input, values)}`),
        ];
      }
      return [tree.problem(path, issue.message)];
    }
    case "invalid_union": {
      const messages = new Set<string>();
      for (const branch of issue.errors)
        for (const e of branch) if (e.path.length === 0) messages.add(e.message);
      const nested = issue.errors.flat().filter((e) => e.path.length > 0);
      if (nested.length > 0 && messages.size <= 1) {
        return nested.flatMap((e) =>
          issueProblems(tree, { ...e, path: [...issue.path, ...e.path] } as Issue),
        );
      }
      return [tree.problem(path, messages.size > 0 ? [...messages].join("; or ") : issue.message)];
    }
    case "custom": {
      const offset = (issue.params as { offset?: unknown } | undefined)?.offset;
      return [tree.problem(path, issue.message, typeof offset === "number" ? { offset } : {})];
    }
    default:
      return [tree.problem(path, issue.message)];
  }
}
