import type { Binding } from "../binding.js";
import type { ExchangeRouter } from "../exchange-type.js";
import type { FieldTable } from "../message.js";

/** Maps are created on first use: a trie of 10^4 bindings is mostly leaves, and GC marks every Map. */
class TrieNode {
  children: Map<string, TrieNode> | undefined;
  /** Bindings whose pattern ends at this node. */
  here: Map<string, Binding> | undefined;
  parent: TrieNode | undefined;
  word = "";
}

/**
 * Key split as rabbit_db_topic_exchange.erl split_topic_key_binary/1 does: "" is zero words, any
 * other key splits on every "." so empty words are real words ("a..b" is ["a","","b"]).
 */
export function splitTopicKey(key: string): string[] {
  return key === "" ? [] : key.split(".");
}

/**
 * Topic exchange (docs/exchanges.md): words separated by ".", `*` matches exactly one word
 * (possibly empty), `#` zero or more words. Bindings live in a trie keyed by pattern words, so
 * routing visits the trie paths the key can follow, not every binding (cost independent of the
 * number of non-matching bindings, as rabbit's topic trie).
 */
export class TopicRouter implements ExchangeRouter {
  readonly type = "topic";
  private readonly root = new TrieNode();
  private count = 0;
  private visited = 0;
  private readonly splitCache = new Map<string, string[]>();

  get size(): number {
    return this.count;
  }

  bind(b: Binding): boolean {
    let node = this.root;
    for (const w of splitTopicKey(b.key)) {
      node.children ??= new Map();
      let next = node.children.get(w);
      if (!next) {
        next = new TrieNode();
        next.parent = node;
        next.word = w;
        node.children.set(w, next);
      }
      node = next;
    }
    node.here ??= new Map();
    if (node.here.has(b.id)) return false;
    node.here.set(b.id, b);
    this.count++;
    return true;
  }

  unbind(b: Binding): boolean {
    let node: TrieNode | undefined = this.root;
    for (const w of splitTopicKey(b.key)) {
      node = node.children?.get(w);
      if (!node) return false;
    }
    if (!node.here?.delete(b.id)) return false;
    this.count--;
    // prune empty branches so a churn of bindings does not leave a growing trie behind
    while (node.parent && !node.here?.size && !node.children?.size) {
      node.parent.children!.delete(node.word);
      node = node.parent;
    }
    return true;
  }

  route(routingKey: string, _headers: FieldTable | undefined, out: Binding[]): number {
    this.visited = 0;
    // routing keys repeat: cache their split (bounded, cleared when full)
    let words = this.splitCache.get(routingKey);
    if (words === undefined) {
      if (this.splitCache.size >= 4096) this.splitCache.clear();
      words = splitTopicKey(routingKey);
      this.splitCache.set(routingKey, words);
    }
    this.match(this.root, words, 0, out);
    return this.visited;
  }

  private match(node: TrieNode, words: string[], i: number, out: Binding[]): void {
    this.visited++;
    const here = node.here;
    if (i === words.length && here !== undefined) for (const b of here.values()) out.push(b);
    const children = node.children;
    if (children === undefined) return;
    const hash = children.get("#");
    if (hash) {
      // '#' consumes zero or more words: try every remaining suffix
      for (let j = i; j <= words.length; j++) this.match(hash, words, j, out);
    }
    if (i < words.length) {
      const w = words[i]!;
      const exact = children.get(w);
      if (exact && w !== "#" && w !== "*") this.match(exact, words, i + 1, out);
      const star = children.get("*");
      if (star) this.match(star, words, i + 1, out);
    }
  }

  *bindings(): Iterable<Binding> {
    const stack = [this.root];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (n.here) yield* n.here.values();
      if (n.children) for (const c of n.children.values()) stack.push(c);
    }
  }
}
