import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type QueuedMessage, ReadyList } from "../../src/amqp/index.js";

const qm = (seq: number): QueuedMessage =>
  ({
    seq,
    msg: null,
    enqueuedAt: 0,
    expiresAt: Infinity,
    priority: 0,
    redelivered: false,
    deliveries: 0,
  }) as unknown as QueuedMessage;

describe("ReadyList", () => {
  it("keeps publication order when messages are requeued in any order (original position)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { maxLength: 200 }),
        fc.array(fc.nat(), { maxLength: 60 }),
        (ops, picks) => {
          const l = new ReadyList();
          const out: QueuedMessage[] = [];
          let seq = 0;
          for (const push of ops) {
            if (push) l.push(qm(seq++));
            else {
              const m = l.shift();
              if (m) out.push(m);
            }
          }
          // requeue a random subset of what was taken, in random order
          for (const p of picks) {
            if (out.length === 0) break;
            l.push(out.splice(p % out.length, 1)[0]!);
          }
          const seqs = [...l].map((m) => m.seq);
          expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
          expect(l.length).toBe(seqs.length);
          expect(l.drain().map((m) => m.seq)).toEqual(seqs);
        },
      ),
      { numRuns: 200, seed: 1 },
    );
  });
});
