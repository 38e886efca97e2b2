import { describe, expect, it } from "vitest";
import { type Binding, makeBinding, splitTopicKey, TopicRouter } from "../../src/amqp/index.js";

const matches = (key: string, pattern: string): boolean => {
  const r = new TopicRouter();
  r.bind(makeBinding("x", "q", "queue", pattern));
  const out: Binding[] = [];
  r.route(key, undefined, out);
  return out.length > 0;
};

// routing_SUITE.erl test vectors (reference A. Topic)
describe("topic exchange (rabbit_db_topic_exchange / routing_SUITE vectors)", () => {
  it("splits '' into zero words and keeps empty words ('a..b' is three words)", () => {
    expect(splitTopicKey("")).toEqual([]);
    expect(splitTopicKey("a..b")).toEqual(["a", "", "b"]);
    expect(splitTopicKey("a.")).toEqual(["a", ""]);
  });

  it.each(["a.#.b", "#.b", "a.#", "a.#.#", "*.#", "#.*.#", "*.#.#", "#.#.#", "#.b.#", "*.*", "a.*"])(
    "routes 'a.b' to '%s'",
    (p) => expect(matches("a.b", p)).toBe(true),
  );

  it("does not route 'a.b.c' to 'a.#.b' or '*'", () => {
    expect(matches("a.b.c", "a.#.b")).toBe(false);
    expect(matches("a.b.c", "*")).toBe(false);
  });

  it("routes '' only to '#', '#.#', '#.#.#' and the empty binding", () => {
    for (const p of ["#", "#.#", "#.#.#", ""]) expect(matches("", p)).toBe(true);
    for (const p of ["*", "*.#", "#.*.#"]) expect(matches("", p)).toBe(false);
  });

  it("routes 'oneword' to '*', '*.#', '#.*.#' and '#'", () => {
    for (const p of ["*", "*.#", "#.*.#", "#"]) expect(matches("oneword", p)).toBe(true);
  });

  it("routes 'a.a.a.a.a' to 'a.#', '*.#' ... but not to '*.*.*'", () => {
    for (const p of ["a.#", "a.#.#", "*.#", "#.*.#", "*.#.#", "#.#.#"])
      expect(matches("a.a.a.a.a", p)).toBe(true);
    expect(matches("a.a.a.a.a", "*.*.*")).toBe(false);
  });

  it("routes 'a..b' to 'a.*.b' but not to 'a.*' ('*' matches an empty word)", () => {
    expect(matches("a..b", "a.*.b")).toBe(true);
    expect(matches("a..b", "a.*")).toBe(false);
  });

  it("a binding '#' acts like fanout", () => {
    for (const k of ["", "x", "x.y.z", ".."]) expect(matches(k, "#")).toBe(true);
  });

  it("routing visits the trie paths of the key, not every binding", () => {
    const r = new TopicRouter();
    for (let i = 0; i < 2_000; i++) r.bind(makeBinding("x", `q${i}`, "queue", `svc${i}.created.#`));
    r.bind(makeBinding("x", "hit", "queue", "orders.*.created"));
    const out: Binding[] = [];
    const visited = r.route("orders.eu.created", undefined, out);
    expect(out.map((b) => b.destination)).toEqual(["hit"]);
    expect(visited).toBeLessThan(10);
  });

  it("unbinding prunes the trie so the pattern no longer matches", () => {
    const r = new TopicRouter();
    const b = makeBinding("x", "q", "queue", "a.b.c");
    r.bind(b);
    r.unbind(b);
    const out: Binding[] = [];
    r.route("a.b.c", undefined, out);
    expect(out).toEqual([]);
    expect(r.size).toBe(0);
  });
});
