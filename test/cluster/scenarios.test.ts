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
