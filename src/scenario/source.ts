import {
  Document,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  Pair,
  parseDocument,
  Scalar,
  visit,
  YAMLMap,
} from "yaml";
import type { Problem } from "./problem.js";

/** One text a scenario came from: a file, or the value of one `--set path=value` argument. */
export interface SourceText {
  /** Shown in problems: the path as given, or `--set path`. */
  readonly file: string;
  readonly lines: LineCounter;
}

export type PathSegment = string | number;

/** Where a value is in its source text. */
export interface Location {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/**
 * A scenario's YAML tree that remembers, for every node, the text it came from. `extends:` and
 * `--set` graft nodes from other texts into one tree, so a problem in an inherited value points
 * at the base file and a problem in an override points at the `--set` argument.
 */
export class SourceTree {
  constructor(
    /** The root node (a map for a valid scenario); null for an empty document. */
    public root: Node | null,
    /** Where problems about the whole file, or about nodes without a position, point. */
    readonly main: SourceText,
    /** Node -> the text it was parsed from; shared by the trees of an `extends:` chain. */
    readonly origins: WeakMap<Node, SourceText> = new WeakMap(),
  ) {}

  /** Records that every node under `node` came from `source`. */
  adopt(node: Node, source: SourceText): void {
    const origins = this.origins;
    const mark = (n: unknown): void => {
      if (isNode(n) && !origins.has(n)) origins.set(n, source);
    };
    mark(node);
    visit(node, {
      Pair: (_k, pair) => {
        mark(pair.key);
        mark(pair.value);
      },
      Node: (_k, n) => {
        mark(n);
      },
    });
  }

  /** Marks a node built from other nodes (a merged map) as coming from `like`'s text. */
  sameOriginAs(node: Node, like: Node): void {
    const source = this.origins.get(like);
    if (source !== undefined) this.origins.set(node, source);
  }

  /** The data as plain JS (maps to objects, sequences to arrays, scalars to values). */
  toJS(): unknown {
    if (this.root === null) return null;
    const doc = new Document();
    doc.contents = this.root;
    return doc.toJS({ maxAliasCount: 1000 });
  }

  /**
   * The position of the value at `path` (or of its key `key` inside it, for an unknown key, or
   * `offset` characters into a scalar, for a bad token inside a unit or distribution). A path
   * that does not exist (a missing required key) resolves to its deepest existing parent.
   */
  locate(path: readonly PathSegment[], opts: { key?: string; offset?: number } = {}): Location {
    let node: Node | null = this.root;
    let keyNode: Node | null = null;
    for (const seg of path) {
      const next = child(node, seg);
      if (next === undefined) break;
      keyNode = next.key;
      node = next.value ?? next.key;
    }
    let target: Node | null = node;
    let offset = 0;
    if (opts.key !== undefined) {
      const pair = child(node, opts.key);
      if (pair?.key) target = pair.key;
    } else if (opts.offset !== undefined && isScalar(node)) {
      const quoted = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE;
      offset = opts.offset + (quoted ? 1 : 0);
    } else if (target === null) {
      target = keyNode;
    }
    return this.position(target, offset);
  }

  problem(
    path: readonly PathSegment[],
    message: string,
    opts: { key?: string; offset?: number } = {},
  ): Problem {
    const loc = this.locate(path, opts);
    const fullPath = opts.key === undefined ? path : [...path, opts.key];
    return { ...loc, path: fullPath.join("."), message };
  }

  private position(node: Node | null, offset: number): Location {
    const source = (node && this.origins.get(node)) ?? this.main;
    const range = node?.range;
    if (!range || source === undefined) return { file: this.main.file, line: 1, col: 1 };
    const pos = source.lines.linePos(range[0] + offset);
    return { file: source.file, line: pos.line, col: pos.col };
  }
}

interface ChildRef {
  readonly key: Node | null;
  readonly value: Node | null;
}

function child(node: Node | null, seg: PathSegment): ChildRef | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      const k = isScalar(pair.key) ? pair.key.value : pair.key;
      if (k === seg || String(k) === String(seg)) {
        return { key: isNode(pair.key) ? pair.key : null, value: isNode(pair.value) ? pair.value : null };
      }
    }
    return undefined;
  }
  if (isSeq(node) && typeof seg === "number") {
    const item = node.items[seg];
    return isNode(item) ? { key: null, value: item } : undefined;
  }
  return undefined;
}

/** Parses YAML text keeping positions. Syntax errors are returned as problems, all of them. */
export function parseYaml(
  text: string,
  file: string,
  origins?: WeakMap<Node, SourceText>,
): { tree: SourceTree; source: SourceText; problems: Problem[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, merge: true, uniqueKeys: true });
  const source: SourceText = { file, lines };
  const problems: Problem[] = doc.errors.map((e) => {
    const pos = lines.linePos(e.pos[0]);
    return { file, line: pos.line, col: pos.col, path: "", message: `YAML: ${firstLine(e.message)}` };
  });
  const root = isNode(doc.contents) ? doc.contents : null;
  const tree = new SourceTree(root, source, origins);
  if (root) tree.adopt(root, source);
  return { tree, source, problems };
}

function firstLine(message: string): string {
  const i = message.indexOf(" at line ");
  return (i >= 0 ? message.slice(0, i) : message.split("\n")[0]!).trim();
}

/**
 * Deep merge for `extends:`: maps merge key by key (the child's value wins; nested maps merge),
 * anything else in the child replaces the base's value (lists are replaced, not concatenated,
 * so a child can remove entries). Keys keep their own origin.
 */
export function mergeNodes(tree: SourceTree, base: Node | null, over: Node | null): Node | null {
  if (over === null) return base;
  if (!isMap(base) || !isMap(over)) return over;
  const merged = new YAMLMap();
  merged.range = over.range ?? null;
  tree.sameOriginAs(merged, over);
  const overKeys = new Map<unknown, Node | null>();
  for (const pair of over.items) overKeys.set(scalarKey(pair.key), isNode(pair.value) ? pair.value : null);
  for (const pair of base.items) {
    const k = scalarKey(pair.key);
    if (overKeys.has(k)) {
      const overPair = over.items.find((p) => scalarKey(p.key) === k)!;
      const value = mergeNodes(tree, isNode(pair.value) ? pair.value : null, overKeys.get(k) ?? null);
      merged.items.push(new Pair(overPair.key, value));
    } else {
      merged.items.push(pair);
    }
  }
  const baseKeys = new Set(base.items.map((p) => scalarKey(p.key)));
  for (const pair of over.items) if (!baseKeys.has(scalarKey(pair.key))) merged.items.push(pair);
  return merged;
}

function scalarKey(key: unknown): unknown {
  return isScalar(key) ? key.value : key;
}

/** Removes a top-level key from a map node, returning its value node. */
export function takeKey(root: Node | null, key: string): Node | null | undefined {
  if (!isMap(root)) return undefined;
  const i = root.items.findIndex((p) => isPair(p) && scalarKey(p.key) === key);
  if (i < 0) return undefined;
  const [pair] = root.items.splice(i, 1);
  return isNode(pair!.value) ? pair!.value : null;
}
