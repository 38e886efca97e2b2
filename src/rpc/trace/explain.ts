/**
 * Why a binding did or did not match a routing key, in words, for the narrated trace.
 * Topic rules (reference amqp-semantics.md A, `rabbit_db_topic_exchange.erl`): words are split on
 * every '.', so "a..b" has 3 words and "" has none; '*' matches exactly one word, '#' zero or more.
 */

const words = (key: string): string[] => (key === "" ? [] : key.split("."));
const plural = (n: number): string => `${n} word${n === 1 ? "" : "s"}`;

/** True when a topic pattern matches the key. */
export function topicMatches(pattern: string, key: string): boolean {
  const p = words(pattern);
  const k = words(key);
  // memo[i][j]: p[i..] matches k[j..]
  const memo = new Map<number, boolean>();
  const m = (i: number, j: number): boolean => {
    const id = i * (k.length + 1) + j;
    const hit = memo.get(id);
    if (hit !== undefined) return hit;
    let r: boolean;
    if (i === p.length) r = j === k.length;
    else if (p[i] === "#") r = m(i + 1, j) || (j < k.length && m(i, j + 1));
    else r = j < k.length && (p[i] === "*" || p[i] === k[j]) && m(i + 1, j + 1);
    memo.set(id, r);
    return r;
  };
  return m(0, 0);
}

/** A sentence saying why topic pattern `pattern` does or does not match `key`. */
export function explainTopic(pattern: string, key: string): string {
  const p = words(pattern);
  const k = words(key);
  if (topicMatches(pattern, key)) {
    if (p.includes("#")) return `pattern '${pattern}' matches: '#' takes any number of words`;
    return `pattern '${pattern}' matches '${key}' word for word`;
  }
  if (!p.includes("#")) {
    if (p.length !== k.length) {
      return `pattern '${pattern}' needs ${plural(p.length)}, the key has ${k.length}`;
    }
    for (let i = 0; i < p.length; i++) {
      if (p[i] !== "*" && p[i] !== k[i]) {
        return `word ${i + 1} of the key is '${k[i]}', the pattern needs '${p[i]}'`;
      }
    }
  }
  const fixed = p.filter((w) => w !== "#").length;
  if (k.length < fixed)
    return `pattern '${pattern}' needs at least ${plural(fixed)}, the key has ${k.length}`;
  // Words before the first '#' and after the last one are matched position by position.
  const first = p.indexOf("#");
  for (let i = 0; i < first && i < k.length; i++) {
    if (p[i] !== "*" && p[i] !== k[i])
      return `word ${i + 1} of the key is '${k[i]}', the pattern needs '${p[i]}'`;
  }
  const tail = p.length - 1 - p.lastIndexOf("#");
  for (let j = 1; j <= tail && j <= k.length; j++) {
    const pw = p[p.length - j]!;
    const kw = k[k.length - j]!;
    if (pw !== "*" && pw !== kw) {
      return `word ${k.length - j + 1} of the key is '${kw}', the pattern needs '${pw}' there (counting from the end)`;
    }
  }
  const literal = p.find((w) => w !== "#" && w !== "*" && !k.includes(w));
  if (literal !== undefined) return `the key has no word '${literal}' that pattern '${pattern}' needs`;
  return `the key's words are not in the order pattern '${pattern}' needs`;
}

/** Direct exchange: exact key equality. */
export function explainDirect(bindingKey: string, key: string): string {
  return bindingKey === key
    ? `binding key '${bindingKey}' equals the routing key`
    : `binding key '${bindingKey}' ≠ '${key}'`;
}
