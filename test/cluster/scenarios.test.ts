import { describe, expect, it } from "vitest";
import { loadScenarioFile } from "../../src/scenario/load-file.js";
import { runScenario } from "../../src/scenario/run.js";

const run = (name: string) => runScenario(loadScenarioFile(`scenarios/cluster/${name}.yaml`));

describe("cluster scenarios: headline outcomes", () => {
  it("node-crash-classic: the transient queue loses its whole backlog, all of it confirmed; the durable queue loses no confirmed message and recovers the rest", () => {
    const r = run("node-crash-classic");
    const events = r.fates.queues.events!;
    const orders = r.fates.queues.orders!;
    expect(events.lost).toBeGreaterThan(1500); // ~10 s of backlog at 100/s net growth
    expect(events.queued).toBe(0);
    expect(orders.lost).toBeLessThanOrEqual(10); // only the last fsync interval (25 ms at 200/s)
    expect(orders.queued).toBeGreaterThan(1500); // recovered from disk, waiting after the restart
    expect(r.fates.confirmedLost).toBe(events.lost); // every lost confirmed message was transient
    expect(r.fates.lostByCause["node-crash"]).toBe(events.lost + orders.lost);
    expect(r.fates.conserved).toBe(true);
    expect(r.markers.map((m) => m.kind)).toEqual(["crash", "node-up"]);
  });
});

describe("cluster scenarios: back-pressure", () => {
  it("memory-alarm-blocks-publishers: the alarm blocks the publisher for part of the run while the consumer never stops", () => {
    const r = run("memory-alarm-blocks-publishers");
    const blocked = r.markers.filter((m) => m.kind === "connection-blocked");
    expect(blocked.length).toBeGreaterThanOrEqual(2);
    expect(r.markers.filter((m) => m.kind === "alarm-cleared").length).toBeGreaterThanOrEqual(1);
    const ext = r.extensions!.cluster as { publishersBlockedSeconds: number };
    expect(ext.publishersBlockedSeconds).toBeGreaterThan(15); // 10-12.5, 15-22.5, 25-40 s
    // the consumer takes 100/s (10 ms each) throughout: blocking publishers does not slow it
    expect(r.summary.throughput.consumed).toBeGreaterThan(99);
    // the publisher got less than the 200/s it offered
    expect(r.summary.throughput.published).toBeLessThan(180);
    expect(r.summary.counts.lost).toBe(0);
  });
});
