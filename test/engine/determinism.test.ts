import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  deriveSeed,
  type EventId,
  parseDistribution,
  RandomStreams,
  Simulator,
} from "../../src/engine/index.js";

/**
 * A small stochastic model exercising schedule, cancel and equal-time ties: `producers` sources
 * emit jobs at exp(10ms) intervals to one server with uniform(1ms, 15ms) service; each job has a
 * 12ms timeout that is cancelled when service starts. Returns the event trace.
 */
function traceOf(seed: number, producers: readonly string[]): string[] {
  const sim = new Simulator();
  const streams = new RandomStreams(seed);
  const gap = parseDistribution("exp(10ms)", "duration");
  const work = parseDistribution("uniform(1ms, 15ms)", "duration");
  const serviceRng = streams.stream("server/service");
  const trace: string[] = [];
  const queue: { id: string; timeout: EventId }[] = [];
  let busy = false;
  const serveNext = (): void => {
    const job = queue.shift();
    if (job === undefined) {
      busy = false;
      return;
    }
    busy = true;
    sim.cancel(job.timeout);
    trace.push(`${sim.now} start ${job.id}`);
    sim.schedule(work.sample(serviceRng), () => {
      trace.push(`${sim.now} done ${job.id}`);
      serveNext();
    });
  };
  for (const p of producers) {
    const rng = streams.stream(`producer/${p}`);
    let n = 0;
    const emit = (): void => {
      const id = `${p}#${n++}`;
      const job = {
        id,
        timeout: sim.schedule(12_000_000, () => {
          trace.push(`${sim.now} timeout ${id}`);
          queue.splice(queue.indexOf(job), 1);
        }),
      };
      queue.push(job);
      trace.push(`${sim.now} arrive ${id}`);
      if (!busy) serveNext();
      sim.schedule(gap.sample(rng), emit);
    };
    sim.schedule(gap.sample(rng), emit);
  }
  sim.run({ until: 2_000_000_000 });
  return trace;
}

describe("determinism", () => {
  it("the same seed gives the same event trace, event for event", () => {
    const a = traceOf(7, ["a", "b"]);
    expect(a.length).toBeGreaterThan(300);
    expect(a.some((l) => l.includes("timeout"))).toBe(true);
    expect(traceOf(7, ["a", "b"])).toEqual(a);
  });

  it("a different seed gives a different trace", () => {
    expect(traceOf(8, ["a", "b"])).not.toEqual(traceOf(7, ["a", "b"]));
  });

  it("adding a producer leaves another producer's arrival times unchanged (its own stream)", () => {
    const arrivals = (t: string[], p: string) => t.filter((l) => l.includes(` arrive ${p}#`));
    const alone = traceOf(7, ["a"]);
    const withB = traceOf(7, ["a", "b"]);
    expect(arrivals(withB, "a")).toEqual(arrivals(alone, "a"));
    expect(arrivals(withB, "b").length).toBeGreaterThan(0);
  });

  it("a named stream's draws do not depend on other streams being created or drawn from", () => {
    const lone = new RandomStreams(42).stream("x");
    const expected = Array.from({ length: 100 }, () => lone.next());
    const busy = new RandomStreams(42);
    busy.stream("y").next();
    const x = busy.stream("x");
    const got: number[] = [];
    for (let i = 0; i < 100; i++) {
      got.push(x.next());
      busy.stream(`z${i}`).next();
    }
    expect(got).toEqual(expected);
  });

  it("stream(name) returns the same stream object; different names draw different numbers", () => {
    const s = new RandomStreams(1);
    expect(s.stream("a")).toBe(s.stream("a"));
    const a = Array.from({ length: 5 }, () => s.stream("a").next());
    const b = Array.from({ length: 5 }, () => s.stream("b").next());
    expect(a).not.toEqual(b);
  });

  it("replication k derives its seed from (seed, k): reproducible and different per k", () => {
    const root = new RandomStreams(7);
    expect(root.replication(3).seed).toBe(deriveSeed(7, "replication", 3));
    expect(root.replication(3).stream("x").next()).toBe(
      new RandomStreams(7).replication(3).stream("x").next(),
    );
    expect(root.replication(3).stream("x").next()).not.toBe(root.replication(4).stream("x").next());
  });

  it("rejects seeds that are not non-negative integers", () => {
    expect(() => new RandomStreams(-1)).toThrow(/non-negative integer/);
    expect(() => new RandomStreams(1.5)).toThrow(/non-negative integer/);
  });
});

describe("Simulator contract", () => {
  it("pops any set of scheduled times in (time, scheduling order) order", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 300 }), (times) => {
        const sim = new Simulator();
        const ran: number[] = [];
        times.forEach((t, i) => {
          sim.scheduleAt(t, (k: number) => ran.push(k), i);
        });
        sim.run();
        const expected = times.map((t, i) => [t, i] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
        expect(ran).toEqual(expected.map((e) => e[1]));
      }),
      { seed: 1, numRuns: 200 },
    );
  });

  it("cancelling any subset of events runs exactly the rest, in order, and counts them", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.boolean()), { maxLength: 300 }),
        (spec) => {
          const sim = new Simulator();
          const ran: number[] = [];
          const ids = spec.map(([t], i) => sim.schedule(t, (k: number) => ran.push(k), i));
          spec.forEach(([, cancel], i) => {
            if (cancel) expect(sim.cancel(ids[i]!)).toBe(true);
          });
          const kept = spec.map(([t, c], i) => ({ t, c, i })).filter((e) => !e.c);
          expect(sim.pending).toBe(kept.length);
          const out = sim.run();
          expect(out.events).toBe(kept.length);
          expect(ran).toEqual(kept.sort((x, y) => x.t - y.t || x.i - y.i).map((e) => e.i));
          expect(ids.every((id) => !sim.cancel(id))).toBe(true);
        },
      ),
      { seed: 2, numRuns: 100 },
    );
  });

  it("a stale handle never cancels a later event that reuses its slot", () => {
    const sim = new Simulator();
    const first = sim.schedule(1, () => {});
    sim.run();
    const ran: string[] = [];
    sim.schedule(1, () => ran.push("second"));
    expect(sim.cancel(first)).toBe(false);
    sim.run();
    expect(ran).toEqual(["second"]);
  });

  it("an event can cancel another event due at the same time", () => {
    const sim = new Simulator();
    const ran: string[] = [];
    let b: EventId = -1;
    sim.schedule(5, () => {
      ran.push("a");
      sim.cancel(b);
    });
    b = sim.schedule(5, () => ran.push("b"));
    sim.run();
    expect(ran).toEqual(["a"]);
  });

  it("run({until}) runs events at exactly `until`, then sets the clock to it", () => {
    const sim = new Simulator();
    const ran: number[] = [];
    for (const t of [5, 10, 15]) sim.scheduleAt(t, () => ran.push(t));
    const out = sim.run({ until: 10 });
    expect(ran).toEqual([5, 10]);
    expect(out).toEqual({ reason: "until", now: 10, events: 2 });
    expect(sim.run({ until: 12 }).now).toBe(12);
    expect(sim.run().reason).toBe("empty");
    expect(sim.now).toBe(15);
  });

  it("the event cap stops a runaway model with a message naming the cap", () => {
    const sim = new Simulator();
    const tick = (): void => {
      sim.schedule(1, tick);
    };
    sim.schedule(0, tick);
    const out = sim.run({ maxEvents: 1000 });
    expect(out.reason).toBe("event-cap");
    expect(out.events).toBe(1000);
    expect(out.message).toMatch(/event cap of 1000 events/);
    expect(sim.run({ maxEvents: 10 }).events).toBe(10); // resumable
    expect(sim.eventsExecuted).toBe(1010);
  });

  it("the simulated-time cap stops a run whose next event lies past it, naming the cap", () => {
    const sim = new Simulator();
    sim.schedule(1_000, () => {});
    const late = sim.schedule(5_000_000_000, () => {});
    const out = sim.run({ maxTime: 2_000_000_000 });
    expect(out.reason).toBe("time-cap");
    expect(out.events).toBe(1);
    expect(out.message).toBe(
      "stopped at the simulated-time cap of 2s: the next event is at 5s (raise maxTime if the run is meant to be this long)",
    );
    sim.cancel(late);
    expect(sim.run({ maxTime: 2_000_000_000 }).reason).toBe("empty"); // a cancelled event is no runaway
    const fresh = new Simulator();
    fresh.schedule(10, () => {});
    expect(fresh.run({ maxTime: 5, until: 3 })).toEqual({ reason: "until", now: 3, events: 0 }); // until first
  });

  it("stop() ends the run after the current event with the given reason", () => {
    const sim = new Simulator();
    sim.schedule(3, () => sim.stop("SLO breached"));
    sim.schedule(4, () => {});
    expect(sim.run()).toEqual({ reason: "stopped", now: 3, events: 1, message: "SLO breached" });
    expect(sim.pending).toBe(1);
  });

  it("refuses negative delays, times in the past and times past 2^53 ns", () => {
    const sim = new Simulator();
    sim.schedule(10, () => {});
    sim.run();
    expect(() => sim.schedule(-1, () => {})).toThrow(/delay must be >= 0/);
    expect(() => sim.schedule(Number.NaN, () => {})).toThrow(/delay must be >= 0/);
    expect(() => sim.scheduleAt(9, () => {})).toThrow(/before now/);
    expect(() => sim.scheduleAt(2 ** 53, () => {})).toThrow(/past the last representable time/);
  });

  it("passes `arg` to the action, so hot paths need no closure per event", () => {
    const sim = new Simulator();
    const got: string[] = [];
    const act = (s: string): void => {
      got.push(s);
    };
    sim.schedule(2, act, "y");
    sim.schedule(1, act, "x");
    sim.run();
    expect(got).toEqual(["x", "y"]);
  });

  it("keeps order across heap growth to 100,000 pending events", () => {
    const sim = new Simulator();
    const rng = new RandomStreams(3).stream("t");
    let last = -1;
    let ok = true;
    const check = (): void => {
      if (sim.now < last) ok = false;
      last = sim.now;
    };
    for (let i = 0; i < 100_000; i++) sim.schedule(Math.floor(rng.next() * 1e6), check);
    expect(sim.run().events).toBe(100_000);
    expect(ok).toBe(true);
  });
});
