import { describe, expect, it } from "vitest";
import {
  type Binding,
  DefaultRouter,
  DirectRouter,
  type ExchangeRouter,
  FanoutRouter,
  HeadersRouter,
  makeBinding,
  TopicRouter,
} from "../../src/amqp/index.js";

/**
 * The contract every exchange type honours (one suite, run against each implementation, as hono
 * runs one router suite against each router). `matching` builds a binding that routes
 * (`key`, `headers`) and `other` one that does not.
 */
interface TypeCase {
  readonly name: string;
  readonly make: () => ExchangeRouter;
  readonly matching: (dest: string) => Binding;
  readonly other: ((dest: string) => Binding) | undefined;
  readonly key: string;
  readonly headers: Record<string, string> | undefined;
}

const CASES: TypeCase[] = [
  {
    name: "direct",
    make: () => new DirectRouter(),
    matching: (d) => makeBinding("x", d, "queue", "k"),
    other: (d) => makeBinding("x", d, "queue", "other"),
    key: "k",
    headers: undefined,
  },
  {
    name: "default",
    make: () => new DefaultRouter(),
    matching: (d) => makeBinding("", d, "queue", "k"),
    other: (d) => makeBinding("", d, "queue", "not-k"),
    key: "k",
    headers: undefined,
  },
  {
    name: "fanout",
    make: () => new FanoutRouter(),
    matching: (d) => makeBinding("x", d, "queue", "anything"),
    other: undefined,
    key: "k",
    headers: undefined,
  },
  {
    name: "topic",
    make: () => new TopicRouter(),
    matching: (d) => makeBinding("x", d, "queue", "a.*"),
    other: (d) => makeBinding("x", d, "queue", "b.#"),
    key: "a.b",
    headers: undefined,
  },
  {
    name: "headers",
    make: () => new HeadersRouter(),
    matching: (d) => makeBinding("x", d, "queue", "", { "x-match": "all", h: "v" }),
    other: (d) => makeBinding("x", d, "queue", "", { "x-match": "all", h: "w" }),
    key: "",
    headers: { h: "v" },
  },
];

const route = (r: ExchangeRouter, c: TypeCase): string[] => {
  const out: Binding[] = [];
  r.route(c.key, c.headers, out);
  return [...new Set(out.map((b) => b.destination))].sort();
};

describe.each(CASES)("exchange contract: $name", (c) => {
  it("routes a message to a matching binding's destination", () => {
    const r = c.make();
    r.bind(c.matching("q1"));
    expect(route(r, c)).toEqual(["q1"]);
  });

  it("binding the same (destination, key, arguments) twice is one binding", () => {
    const r = c.make();
    expect(r.bind(c.matching("q1"))).toBe(true);
    expect(r.bind(c.matching("q1"))).toBe(false);
    expect(r.size).toBe(1);
    expect(route(r, c)).toEqual(["q1"]);
  });

  it("routes to every matching destination (multicast)", () => {
    const r = c.make();
    r.bind(c.matching("q1"));
    r.bind(c.matching("q2"));
    expect(route(r, c)).toEqual(["q1", "q2"]);
  });

  it("an unbound destination no longer receives; unbinding twice reports false", () => {
    const r = c.make();
    r.bind(c.matching("q1"));
    r.bind(c.matching("q2"));
    expect(r.unbind(c.matching("q1"))).toBe(true);
    expect(r.unbind(c.matching("q1"))).toBe(false);
    expect(route(r, c)).toEqual(["q2"]);
    expect(r.size).toBe(1);
    expect([...r.bindings()].map((b) => b.destination)).toEqual(["q2"]);
  });

  it("an exchange without bindings routes nowhere", () => {
    expect(route(c.make(), c)).toEqual([]);
  });

  if (c.other) {
    const other = c.other;
    it("a non-matching binding does not receive", () => {
      const r = c.make();
      r.bind(other("q3"));
      r.bind(c.matching("q1"));
      expect(route(r, c)).toEqual(["q1"]);
      expect(r.size).toBe(2);
    });
  }
});
