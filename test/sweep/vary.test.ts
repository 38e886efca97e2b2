import { describe, expect, it } from "vitest";
import { buildGrid } from "../../src/sweep/grid.js";
import { parseVary, VaryError } from "../../src/sweep/vary.js";

describe("--vary grammar", () => {
  it("a list gives its values in order, numeric in result.json units", () => {
    const d = parseVary("consumers.worker.count=1,2,4");
    expect(d).toEqual({
      path: "consumers.worker.count",
      values: ["1", "2", "4"],
      kind: "number",
      numeric: [1, 2, 4],
    });
  });

  it("a range with rate units includes TO and keeps the unit", () => {
    const d = parseVary("producers.p.rate=100/s..500/s:100/s");
    expect(d.values).toEqual(["100/s", "200/s", "300/s", "400/s", "500/s"]);
    expect(d.kind).toBe("rate");
    expect(d.numeric).toEqual([100, 200, 300, 400, 500]);
  });

  it("a duration range is written in its finest unit and reported in seconds", () => {
    const d = parseVary("t=1s..2s:500ms");
    expect(d.values).toEqual(["1000ms", "1500ms", "2000ms"]);
    expect(d.numeric).toEqual([1, 1.5, 2]);
  });

  it("a fractional range has no float noise and includes TO", () => {
    expect(parseVary("x=0.1..0.3:0.1").values).toEqual(["0.1", "0.2", "0.3"]);
  });

  it("TO off the grid is not included", () => {
    expect(parseVary("n=1..10:4").values).toEqual(["1", "5", "9"]);
  });

  it("distribution values with commas inside parentheses stay whole; text values are categorical", () => {
    const d = parseVary("c.time=uniform(1ms, 3ms),exp(2ms)");
    expect(d.values).toEqual(["uniform(1ms, 3ms)", "exp(2ms)"]);
    expect(d.kind).toBe("text");
    expect(d.numeric).toBeNull();
  });

  it("sizes: 1KiB..3KiB:1KiB", () => {
    const d = parseVary("p.size=1KiB..3KiB:1KiB");
    expect(d.values).toEqual(["1KiB", "2KiB", "3KiB"]);
    expect(d.numeric).toEqual([1024, 2048, 3072]);
  });

  const bad: [string, number, RegExp][] = [
    ["rate", 4, /no "="/],
    ["=1,2", 0, /empty path/],
    ["rate=100/s..500/s", 17, /without ":STEP"/],
    ["rate=100/s..500ms:100/s", 12, /a duration in a range that starts with a rate/],
    ["rate=100/s..500/s:0/s", 18, /STEP is not positive/],
    ["rate=500/s..100/s:100/s", 12, /TO is below FROM/],
    ["rate=100/s..500/x:100/s", 15, /unknown unit "\/x"/],
    ["rate=abc..2:1", 5, /FROM "abc" is not a quantity/],
    ["n=1,,2", 4, /empty value/],
    ["n=1,2,1", 6, /listed twice/],
  ];
  for (const [text, offset, message] of bad) {
    it(`rejects "${text}" pointing at column ${offset + 1}`, () => {
      let err: unknown;
      try {
        parseVary(text);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(VaryError);
      expect((err as VaryError).offset).toBe(offset);
      expect((err as VaryError).message).toMatch(message);
      expect((err as VaryError).message).toMatch(/expected /);
    });
  }
});

describe("grid", () => {
  it("is the row-major Cartesian product, the first --vary changing slowest", () => {
    const g = buildGrid([parseVary("a=1,2"), parseVary("b=x,y,z")]);
    expect(g.map((p) => p.sets.join(" "))).toEqual([
      "a=1 b=x",
      "a=1 b=y",
      "a=1 b=z",
      "a=2 b=x",
      "a=2 b=y",
      "a=2 b=z",
    ]);
    expect(g.map((p) => p.index)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("with no dimensions has one point with no overrides", () => {
    expect(buildGrid([])).toEqual([{ index: 0, values: [], sets: [] }]);
  });
});
