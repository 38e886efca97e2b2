import {
  isMap,
  isNode,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  Pair,
  parseDocument,
  Scalar,
  YAMLMap,
} from "yaml";
import type { Problem } from "./problem.js";
import type { PathSegment, SourceText, SourceTree } from "./source.js";

/**
 * Splits an override path: segments separated by ".", a segment in brackets may contain dots
 * (`queues[orders.v1].arguments.x-max-length`). A segment naming a list entry is either its index
 * (`producers.0.rate`) or its `name` (`producers.orders.rate`).
 */
export function splitOverridePath(path: string): string[] {
  const out: string[] = [];
  let i = 0;
  let cur = "";
  while (i < path.length) {
    const ch = path[i]!;
    if (ch === "[") {
      const close = path.indexOf("]", i);
      if (close < 0) throw new Error(`unclosed "[" in "${path}"`);
      if (cur !== "") out.push(cur);
      out.push(path.slice(i + 1, close));
      cur = "";
      i = close + 1;
      if (path[i] === ".") i++;
      continue;
    }
    if (ch === ".") {
      out.push(cur);
      cur = "";
    } else cur += ch;
    i++;
  }
  if (cur !== "" || path.endsWith(".")) out.push(cur);
  return out;
}

/**
 * Applies `path=value` overrides (the CLI's --set, a sweep's --vary) to a scenario tree, in order.
 * The value is read as YAML (`3`, `true`, `200/s`, `[a, b]`, `{ size: 10, every: 1s }`); an empty
 * value is the empty string. Missing map keys are created; list entries must exist. Problems
 * (bad syntax, no such entry) are returned, not thrown, to be reported with the file's own.
 */
export function applyOverrides(tree: SourceTree, sets: readonly string[]): Problem[] {
  const problems: Problem[] = [];
  for (const set of sets) {
    const file = `--set ${set}`;
    const eq = set.indexOf("=");
    if (eq <= 0) {
      problems.push({
        file,
        line: 0,
        col: 0,
        path: "",
        message: 'an override is "path=value", e.g. producers.0.rate=500/s',
      });
      continue;
    }
    const pathText = set.slice(0, eq);
    const valueText = set.slice(eq + 1);
    let segs: string[];
    try {
      segs = splitOverridePath(pathText);
    } catch (e) {
      problems.push({ file, line: 0, col: 0, path: pathText, message: (e as Error).message });
      continue;
    }
    const lines = new LineCounter();
    const source: SourceText = { file: `--set ${pathText}`, lines };
    let value: Node;
    if (valueText === "") {
      value = new Scalar("");
    } else {
      const doc = parseDocument(valueText, { lineCounter: lines });
      if (doc.errors.length > 0) {
        problems.push({
          file: source.file,
          line: 1,
          col: 1,
          path: pathText,
          message: `not valid YAML: ${doc.errors[0]!.message.split("\n")[0]}`,
        });
        continue;
      }
      value = isNode(doc.contents) ? doc.contents : new Scalar(null);
    }
    const problem = setAt(tree, segs, value, source);
    if (problem !== undefined) problems.push({ file, line: 0, col: 0, path: pathText, message: problem });
  }
  return problems;
}

function setAt(
  tree: SourceTree,
  segs: readonly string[],
  value: Node,
  source: SourceText,
): string | undefined {
  if (tree.root === null) tree.root = new YAMLMap();
  let node: Node = tree.root;
  const walked: PathSegment[] = [];
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    const last = i === segs.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === seg);
      if (last) {
        tree.adopt(value, source);
        if (pair) pair.value = value;
        else node.items.push(new Pair(new Scalar(seg), value));
        return undefined;
      }
      if (pair && isNode(pair.value)) {
        node = pair.value;
      } else {
        const fresh = new YAMLMap();
        if (pair) pair.value = fresh;
        else node.items.push(new Pair(new Scalar(seg), fresh));
        node = fresh;
      }
    } else if (isSeq(node)) {
      let index = /^\d+$/.test(seg) ? Number(seg) : -1;
      if (index < 0) {
        index = node.items.findIndex((item) => isMap(item) && String(item.get("name")) === seg);
        if (index < 0) {
          const names = node.items.map((item) => (isMap(item) ? String(item.get("name")) : "?"));
          return `${walked.join(".") || "the list"} has no entry named "${seg}" (entries: ${names.join(", ") || "none"})`;
        }
      }
      if (index >= node.items.length) {
        return `${walked.join(".")} has ${node.items.length} entries; index ${index} is out of range`;
      }
      if (last) {
        tree.adopt(value, source);
        node.items[index] = value;
        return undefined;
      }
      node = node.items[index] as Node;
    } else {
      return `${walked.join(".")} is a single value; it has no "${seg}"`;
    }
    walked.push(seg);
  }
  return undefined;
}
