import { describe, expect, it } from "vitest";
import {
  formatDuration,
  formatRate,
  formatSize,
  NS_PER_MS,
  NS_PER_S,
  parseDuration,
  parseRate,
  parseSize,
  UnitError,
} from "../../src/engine/index.js";

/** Parse and return the UnitError thrown (fails the test if nothing is thrown). */
function errorOf(parse: (t: string) => unknown, text: string): UnitError {
  try {
    parse(text);
  } catch (e) {
    expect(e).toBeInstanceOf(UnitError);
    return e as UnitError;
  }
  throw new Error(`expected "${text}" to be rejected`);
}

describe("parseDuration", () => {
  it.each([
    ["1ns", 1],
    ["250us", 250_000],
    ["250µs", 250_000],
    ["250μs", 250_000],
    ["10ms", 10 * NS_PER_MS],
    ["1.5s", 1.5 * NS_PER_S],
    ["2m", 120 * NS_PER_S],
    ["2min", 120 * NS_PER_S],
    ["1h", 3600 * NS_PER_S],
    ["0s", 0],
    [".5ms", 500_000],
    ["10 ms", 10 * NS_PER_MS],
    ["  10ms  ", 10 * NS_PER_MS],
    ["1e3us", NS_PER_MS],
  ])("reads %s as %d ns", (text, ns) => {
    expect(parseDuration(text)).toBe(ns);
  });

  it("rounds sub-nanosecond fractions to whole nanoseconds", () => {
    expect(parseDuration("1.4ns")).toBe(1);
    expect(parseDuration("0.0016us")).toBe(2);
  });

  it('names the unknown unit and its column: "10 parsecs"', () => {
    const e = errorOf(parseDuration, "10 parsecs");
    expect(e.message).toBe(
      'bad duration "10 parsecs": unknown unit "parsecs" at column 4; expected one of ns, us, ms, s, m, h',
    );
    expect(e.offset).toBe(3);
    expect(e.text).toBe("10 parsecs");
    expect(e.expected).toBe("one of ns, us, ms, s, m, h");
  });

  it.each([
    ["0", 1, /missing unit after "0"/],
    ["10", 2, /missing unit/],
    ["", 0, /empty text/],
    ["   ", 3, /empty text/],
    ["ms", 0, /"ms" is not a number/],
    ["-5ms", 0, /negative value/],
    ["10ms extra", 5, /unexpected "extra"/],
    ["10mss", 2, /unknown unit "mss"/],
    ["10MS", 2, /unknown unit "MS"/],
    ["10/s", 2, /unknown unit "\/s"/],
    ["1e300h", 0, /too long/],
    ["200d", 3, /unknown unit "d"/],
  ])("rejects %j at offset %d", (text, offset, message) => {
    const e = errorOf(parseDuration, text);
    expect(e.offset).toBe(offset);
    expect(e.message).toMatch(message);
    expect(e.message).toContain(`bad duration "${text}"`);
  });
});

describe("formatDuration", () => {
  it.each([
    [250_000, "250us"],
    [1.5 * NS_PER_S, "1.5s"],
    [120 * NS_PER_S, "2m"],
    [90 * NS_PER_S, "90s"],
    [3600 * NS_PER_S, "1h"],
    [1, "1ns"],
    [0, "0s"],
    [10 * NS_PER_MS, "10ms"],
  ])("writes %d ns as %s", (ns, text) => {
    expect(formatDuration(ns)).toBe(text);
  });

  it("round-trips through parseDuration for any whole number of nanoseconds", () => {
    const values = [1, 7, 999, 1000, 1001, 123_456_789, 1_234_567_891, 86_400 * NS_PER_S + 1, 2 ** 53 - 1];
    for (let i = 0; i < 200; i++) values.push(Math.floor(((i * 7919) % 1000) ** 3.7));
    for (const ns of values) expect(parseDuration(formatDuration(ns))).toBe(ns);
  });
});

describe("parseRate / formatRate", () => {
  it.each([
    ["200/s", 200],
    ["2.5/s", 2.5],
    ["3/min", 0.05],
    ["10/h", 10 / 3600],
    ["0/s", 0],
    ["60 /min", 1],
  ])("reads %s as %d per second", (text, perSecond) => {
    expect(parseRate(text)).toBeCloseTo(perSecond, 12);
  });

  it.each([
    ["200", 3, /missing unit/],
    ["200/d", 3, /unknown unit "\/d"/],
    ["200 per second", 4, /unknown unit "per"/],
    ["-1/s", 0, /negative value/],
    ["/s", 0, /not a number/],
    ["5/s/s", 1, /unknown unit "\/s\/s"/],
  ])("rejects %j at offset %d", (text, offset, message) => {
    const e = errorOf(parseRate, text);
    expect(e.offset).toBe(offset);
    expect(e.message).toMatch(message);
    expect(e.message).toContain("expected");
  });

  it("formats the shortest exact form and round-trips", () => {
    expect(formatRate(200)).toBe("200/s");
    expect(formatRate(0.05)).toBe("3/min");
    expect(formatRate(10 / 3600)).toBe("10/h");
    for (const r of [200, 0.05, 10 / 3600, 2.5, 1 / 7, 1e6, 0.001]) expect(parseRate(formatRate(r))).toBe(r);
  });
});

describe("parseSize / formatSize", () => {
  it.each([
    ["512B", 512],
    ["2KB", 2000],
    ["2kB", 2000],
    ["2KiB", 2048],
    ["1.5MB", 1_500_000],
    ["1MiB", 1024 ** 2],
    ["3GB", 3e9],
    ["3GiB", 3 * 1024 ** 3],
    ["1.1KB", 1100],
  ])("reads %s as %d bytes", (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it.each([
    ["512", 3, /missing unit/],
    ["2kb", 1, /unknown unit "kb"/],
    ["2Kib", 1, /unknown unit "Kib"/],
    ["0.5B", 0, /not a whole number of bytes/],
    ["1.0001KiB", 0, /not a whole number of bytes/],
    ["-1B", 0, /negative value/],
    ["1e20GiB", 0, /too large/],
  ])("rejects %j at offset %d", (text, offset, message) => {
    const e = errorOf(parseSize, text);
    expect(e.offset).toBe(offset);
    expect(e.message).toMatch(message);
  });

  it("formats the shortest exact form and round-trips", () => {
    expect(formatSize(2048)).toBe("2KiB");
    expect(formatSize(1000)).toBe("1KB");
    expect(formatSize(1500)).toBe("1.5KB");
    expect(formatSize(0)).toBe("0B");
    for (const b of [1, 1000, 1023, 1024, 1536, 10 ** 9, 1024 ** 3 * 5, 123_456_789]) {
      expect(parseSize(formatSize(b))).toBe(b);
    }
  });
});
