import { describe, expect, it } from "vitest";
import { syntheticResult } from "../report/fixture.js";

/**
 * Little's law, L = λW, ties two independent measurements together: the time-weighted mean of
 * the ready count (integrated from depth signals) must equal the enqueue rate times the mean wait
 * in the queue (from per-delivery timestamps), up to the few copies still queued at the end.
 */
describe("queue depth and queue wait obey Little's law", () => {
  const r = syntheticResult(11);
  for (const [name, q] of Object.entries(r.summary.queues)) {
    it(`queue ${name}: mean ready = enqueue rate × mean queue wait (within 2 %)`, () => {
      const lambda = q.counts.delivered / r.run.endTime;
      const L = q.ready.mean;
      const W = q.queueWait.mean;
      expect(q.counts.delivered).toBeGreaterThan(1000);
      expect(Math.abs(L - lambda * W)).toBeLessThanOrEqual(0.02 * L);
    });
  }
});
