import { describe, expect, it } from "vitest";
import { headersMatch } from "../../src/amqp/index.js";

// reference A. Headers (rabbit_exchange_type_headers.erl; 3.10.8 observations)
describe("headers exchange matching", () => {
  it("x-match=all needs every binding header to match; a missing x-match means all", () => {
    expect(headersMatch({ "x-match": "all", a: "1", b: "2" }, { a: "1", b: "2", c: "3" })).toBe(true);
    expect(headersMatch({ "x-match": "all", a: "1", b: "2" }, { a: "1" })).toBe(false);
    expect(headersMatch({ a: "1", b: "2" }, { a: "1" })).toBe(false);
    expect(headersMatch({ a: "1" }, { a: "1" })).toBe(true);
  });

  it("x-match=any needs one matching header", () => {
    expect(headersMatch({ "x-match": "any", a: "1", b: "2" }, { b: "2" })).toBe(true);
    expect(headersMatch({ "x-match": "any", a: "1", b: "2" }, { a: "9", b: "9" })).toBe(false);
  });

  it("all / any ignore x- arguments; all-with-x / any-with-x include them", () => {
    expect(headersMatch({ "x-match": "all", "x-k": "1" }, {})).toBe(true);
    expect(headersMatch({ "x-match": "all-with-x", "x-k": "1" }, {})).toBe(false);
    expect(headersMatch({ "x-match": "all-with-x", "x-k": "1" }, { "x-k": "1" })).toBe(true);
    expect(headersMatch({ "x-match": "any", "x-k": "1" }, { "x-k": "1" })).toBe(false);
    expect(headersMatch({ "x-match": "any-with-x", "x-k": "1" }, { "x-k": "1" })).toBe(true);
  });

  it("a void (null) argument matches on the header's presence alone", () => {
    expect(headersMatch({ a: null }, { a: "anything" })).toBe(true);
    expect(headersMatch({ a: null }, { b: "x" })).toBe(false);
  });

  it("numbers compare by value; a string never matches a number", () => {
    expect(headersMatch({ a: 1 }, { a: 1.0 })).toBe(true);
    expect(headersMatch({ a: 1 }, { a: "1" })).toBe(false);
    expect(headersMatch({ a: "1" }, { a: 1 })).toBe(false);
  });

  it("with no real argument, all matches every message and any matches none", () => {
    expect(headersMatch({ "x-match": "all" }, undefined)).toBe(true);
    expect(headersMatch({ "x-match": "any" }, { a: "1" })).toBe(false);
  });

  it("a message without headers fails all when the binding has a real argument", () => {
    expect(headersMatch({ a: "1" }, undefined)).toBe(false);
  });
});
