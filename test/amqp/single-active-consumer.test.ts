import { describe, expect, it } from "vitest";
import type { AssertQueueOk, Channel, Delivery } from "../../src/amqp/index.js";
import { collect, type World, world } from "./helpers.js";

const bodies = (ds: Delivery[]): unknown[] => ds.map((d) => d.body);

/** q (single active consumer); c1 on channel A (manual ack, prefetch 2), c2 on channel B (no-ack); m1..m3 published. */
function setup(version: string): { w: World; a: Channel; c1: Delivery[]; c2: Delivery[]; c1Tag: string } {
  const w = world(version);
  w.ch.assertQueue("q", { arguments: { "x-single-active-consumer": true } });
  const a = w.conn.createChannel();
  a.prefetch(2);
  const c1: Delivery[] = [];
  const c1Tag = a.consume("q", (d) => d && c1.push(d));
  const c2 = collect(w.conn.createChannel(), "q", { noAck: true });
  for (const m of ["m1", "m2", "m3"]) w.ch.sendToQueue("q", { bytes: 1, body: m });
  w.run();
  return { w, a, c1, c2, c1Tag };
}

function check(w: World): AssertQueueOk | undefined {
  let ok: AssertQueueOk | undefined;
  w.ch.checkQueue("q", (_err, r) => {
    ok = r;
  });
  w.run();
  return ok;
}

describe("single active consumer: cancelling the active consumer while it holds unacked deliveries (3.10.8 fixtures)", () => {
  it("3.x classic: the next consumer becomes active only when the cancelled consumer's channel closes, not when its deliveries are acked", () => {
    const { w, a, c1, c2, c1Tag } = setup("3.10");
    expect([bodies(c1), bodies(c2)]).toEqual([["m1", "m2"], []]);
    a.cancel(c1Tag);
    w.run();
    expect(c2).toEqual([]);
    a.ack(c1[0]!);
    a.ack(c1[1]!);
    w.run();
    expect(c2).toEqual([]);
    expect(check(w)).toMatchObject({ messageCount: 1, consumerCount: 1 });
    a.close();
    w.run();
    expect(bodies(c2)).toEqual(["m3"]);
  });

  it("3.x classic: on the channel close the new active consumer gets the requeued deliveries first, flagged redelivered", () => {
    const { w, a, c2, c1Tag } = setup("3.13");
    a.cancel(c1Tag);
    w.run();
    expect(c2).toEqual([]);
    a.close();
    w.run();
    expect(c2.map((d) => [d.body, d.fields.redelivered])).toEqual([
      ["m1", true],
      ["m2", true],
      ["m3", false],
    ]);
  });

  it("4.x (not recorded: the model assumes the 3.x hold is gone) hands over at once on the cancel", () => {
    const { w, a, c2, c1Tag } = setup("4.0");
    a.cancel(c1Tag);
    w.run();
    expect(bodies(c2)).toEqual(["m3"]);
  });
});
