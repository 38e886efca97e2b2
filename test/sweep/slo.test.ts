import { describe, expect, it } from "vitest";
import { checkSlo, formatSloOutcome, parseSlo, SloError } from "../../src/metrics/slo.js";

const summary = { latency: { p99: 0.84, mean: 0.1 }, throughput: { consumed: 950 }, fates: { lost: 0 } };

describe("SLO expressions", () => {
  it("parses clauses joined by 'and', converting units to result.json units", () => {
    const slo = parseSlo(
      "latency.p99<30s and throughput.consumed >= 900/s and size.max<=2KiB and fates.lost==0",
    );
    expect(slo.clauses.map((c) => [c.path, c.op, c.threshold])).toEqual([
      ["latency.p99", "<", 30],
      ["throughput.consumed", ">=", 900],
      ["size.max", "<=", 2048],
      ["fates.lost", "==", 0],
    ]);
  });

  it("durations become seconds: latency.p99<250ms is a threshold of 0.25", () => {
    expect(parseSlo("latency.p99<250ms").clauses[0]!.threshold).toBe(0.25);
  });

  it("passes when every clause holds and fails naming the clause that does not", () => {
    expect(checkSlo(parseSlo("latency.p99<1s and throughput.consumed>=900/s"), summary).pass).toBe(true);
    const out = checkSlo(parseSlo("latency.p99<500ms and throughput.consumed>=900/s"), summary);
    expect(out.pass).toBe(false);
    expect(out.clauses.map((c) => c.pass)).toEqual([false, true]);
    expect(formatSloOutcome(out)).toBe(
      "SLO MISSED: latency.p99<500ms (actual 840ms, FAILED); throughput.consumed>=900/s (actual 950/s)",
    );
  });

  it("a path that is not a numeric summary leaf fails its clause instead of passing silently", () => {
    const out = checkSlo(parseSlo("latency.p999<1s"), summary);
    expect(out.pass).toBe(false);
    expect(out.clauses[0]!.actual).toBeNull();
    expect(checkSlo(parseSlo("latency<1s"), summary).pass).toBe(false);
  });

  const bad: [string, number, RegExp][] = [
    ["latency.p99 30s", 15, /missing comparison/],
    ["<30s", 0, /missing path/],
    ["latency.p99<", 12, /missing value/],
    ["latency.p99<30 parsecs", 15, /unknown unit "parsecs"/],
    ["latency.p99<30s and ", 20, /empty clause|missing comparison/],
    ["latency.p99 =< 30s", 12, /bad comparison "=<"/],
    ["latency.p99<fast", 12, /"fast" is not a value/],
  ];
  for (const [text, offset, message] of bad) {
    it(`rejects "${text}" at column ${offset + 1}`, () => {
      let err: unknown;
      try {
        parseSlo(text);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SloError);
      expect((err as SloError).message).toMatch(message);
      expect((err as SloError).offset).toBe(offset);
    });
  }
});
