import { describe, expect, it } from "vitest";
import { explainDirect, explainTopic, topicMatches } from "../../src/rpc/trace/explain.js";

describe("why a binding matched or not (for traces)", () => {
  it("topic matching follows RabbitMQ: '*' one word, '#' zero or more, empty words count", () => {
    expect(topicMatches("a.*.b", "a..b")).toBe(true);
    expect(topicMatches("a.*", "a..b")).toBe(false);
    expect(topicMatches("#", "")).toBe(true);
    expect(topicMatches("*", "")).toBe(false);
    expect(topicMatches("a.#.b", "a.b")).toBe(true);
    expect(topicMatches("*.*.*", "a.a.a.a.a")).toBe(false);
  });

  it("pattern '*.error' needs 2 words, the key has 3", () => {
    expect(explainTopic("*.error", "app.db.error")).toBe("pattern '*.error' needs 2 words, the key has 3");
  });

  it("names the first word that differs, also around a '#'", () => {
    expect(explainTopic("order.*.eu", "payment.failed.eu")).toBe(
      "word 1 of the key is 'payment', the pattern needs 'order'",
    );
    expect(explainTopic("order.#", "payment.failed.eu")).toBe(
      "word 1 of the key is 'payment', the pattern needs 'order'",
    );
    expect(explainTopic("#.error", "app.warn")).toBe(
      "word 2 of the key is 'warn', the pattern needs 'error' there (counting from the end)",
    );
    expect(explainTopic("a.b.#.c", "a")).toBe("pattern 'a.b.#.c' needs at least 3 words, the key has 1");
  });

  it("explains matches and direct keys", () => {
    expect(explainTopic("order.#", "order.created.eu")).toContain("matches");
    expect(explainDirect("info", "error")).toBe("binding key 'info' ≠ 'error'");
    expect(explainDirect("info", "info")).toBe("binding key 'info' equals the routing key");
  });
});
