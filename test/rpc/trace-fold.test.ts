import { describe, expect, it } from "vitest";
import { foldRepeats } from "../../src/rpc/trace/fold.js";
import type { TraceLine } from "../../src/rpc/trace/narrator.js";

const line = (time: number, text: string): TraceLine => ({ time, msgId: 7, text });

/** A fanout of #7 to n queues: the publish, n bindings, n (enqueue, delivery) pairs, the confirm. */
function fanout(n: number): TraceLine[] {
  const out = [line(1, "api publishes #7 to exchange 'x_fanout'")];
  for (let q = 1; q <= n; q++) out.push(line(1, `binding → 'x_fanout_host-${q}' matches`));
  for (let q = 1; q <= n; q++) {
    out.push(line(1 + q / 1000, `#7 enqueued in 'x_fanout_host-${q}' (ready 1)`));
    out.push(line(1 + q / 1000, `#7 delivered from 'x_fanout_host-${q}' to host-${q}`));
  }
  out.push(line(2, "broker confirms (basic.ack) #7 to api"));
  return out;
}

describe("folding repeated steps of a narrated trace", () => {
  it("keeps the first three and the last of a repeated step or pair of steps and says how many it left out", () => {
    const folded = foldRepeats(fanout(50)).map((l) => l.text);
    expect(folded).toEqual([
      "api publishes #7 to exchange 'x_fanout'",
      "binding → 'x_fanout_host-1' matches",
      "binding → 'x_fanout_host-2' matches",
      "binding → 'x_fanout_host-3' matches",
      "… the step above 46 more times for other queues or hosts (--no-fold prints them)",
      "binding → 'x_fanout_host-50' matches",
      "#7 enqueued in 'x_fanout_host-1' (ready 1)",
      "#7 delivered from 'x_fanout_host-1' to host-1",
      "#7 enqueued in 'x_fanout_host-2' (ready 1)",
      "#7 delivered from 'x_fanout_host-2' to host-2",
      "#7 enqueued in 'x_fanout_host-3' (ready 1)",
      "#7 delivered from 'x_fanout_host-3' to host-3",
      "… the 2 steps above 46 more times for other queues or hosts, until 1.049 s (--no-fold prints them)",
      "#7 enqueued in 'x_fanout_host-50' (ready 1)",
      "#7 delivered from 'x_fanout_host-50' to host-50",
      "broker confirms (basic.ack) #7 to api",
    ]);
  });

  it("the summary line takes the time of the first step it stands for", () => {
    const folded = foldRepeats(fanout(50));
    const pairs = folded.find((l) => l.text.startsWith("… the 2 steps"))!;
    expect(pairs.time).toBe(1.004);
    expect(pairs.msgId).toBe(7);
  });

  it("leaves runs of fewer than six repetitions, and steps that differ in more than numbers, as they are", () => {
    const five = fanout(5);
    expect(foldRepeats(five)).toEqual(five);
    const words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"];
    const distinct = words.map((w, i) => line(i, `binding '${w}' does not match`));
    expect(foldRepeats(distinct)).toEqual(distinct);
  });

  it("every line is either kept or counted in a summary", () => {
    for (const n of [6, 7, 40, 333]) {
      const lines = fanout(n);
      const folded = foldRepeats(lines);
      let represented = 0;
      for (const l of folded) {
        const m = /^… the (?:step|(\d) steps) above (\d+) more times/.exec(l.text);
        represented += m === null ? 1 : Number(m[1] ?? 1) * Number(m[2]);
      }
      expect(represented).toBe(lines.length);
    }
  });
});
