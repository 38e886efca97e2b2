import { describe, expect, it } from "vitest";
import { formatResultJson } from "../../src/metrics/result-json.js";

describe("formatResultJson", () => {
  it("parses back to the same value, with numeric arrays on one line", () => {
    const v = {
      a: [1, 2.5, null],
      b: { c: 'x"y', d: [], e: {} },
      f: [{ g: 1 }, { g: [3] }],
      h: true,
    };
    const text = formatResultJson(v);
    expect(JSON.parse(text)).toEqual(v);
    expect(text).toBe(
      [
        "{",
        '  "a": [1,2.5,null],',
        '  "b": {',
        '    "c": "x\\"y",',
        '    "d": [],',
        '    "e": {}',
        "  },",
        '  "f": [',
        "    {",
        '      "g": 1',
        "    },",
        "    {",
        '      "g": [3]',
        "    }",
        "  ],",
        '  "h": true',
        "}",
        "",
      ].join("\n"),
    );
  });

  it("drops undefined fields and writes non-finite numbers as null, as JSON.stringify does", () => {
    expect(
      JSON.parse(formatResultJson({ a: undefined, b: Number.NaN, c: [Number.POSITIVE_INFINITY] })),
    ).toEqual({
      b: null,
      c: [null],
    });
  });
});
