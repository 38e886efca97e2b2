import { describe, expect, it } from "vitest";
import { collect, world } from "./helpers.js";

describe("core", () => {
  it("a message published to a topic exchange reaches the bound queue's consumer and is acked", () => {
    const w = world();
    w.ch.assertExchange("x", "topic");
    w.ch.assertQueue("q");
    w.ch.bindQueue("q", "x", "a.*");
    const got = collect(w.ch, "q");
    w.ch.publish("x", "a.b", { bytes: 10, body: "m1" });
    w.ch.publish("x", "b.b", { bytes: 10, body: "m2" });
    w.run();
    expect(got.map((d) => d.body)).toEqual(["m1"]);
    w.ch.ack(got[0]!);
    w.run();
    const f = w.broker.finish();
    expect(f.total.acked).toBe(1);
    expect(f.total["unroutable-dropped"]).toBe(1);
  });
});
