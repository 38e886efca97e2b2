import { describe, expect, it } from "vitest";
import { parseScenarioText } from "../../src/scenario/load.js";
import { runScenario } from "../../src/scenario/run.js";

const scenario = (crash: string) => `name: placed
duration: 10s
cluster:
  nodes: 2
  placement: { events: rabbit-2, pub: rabbit-1 }
queues: [{ name: events, durable: false }]
producers: [{ name: pub, routingKey: events, rate: 100/s }]
faults: [{ at: 5s, crash: ${crash} }]
`;

describe("cluster.placement", () => {
  it("a queue placed on rabbit-2 dies with rabbit-2, not with rabbit-1 where its clients and declaration are", () => {
    const onQueueNode = runScenario(parseScenarioText(scenario("rabbit-2"), "p.yaml"));
    expect(onQueueNode.fates.lostByCause["node-crash"]).toBeGreaterThan(450); // 5 s at 100/s, no consumer
    const onClientNode = runScenario(parseScenarioText(scenario("rabbit-1"), "p.yaml"));
    expect(onClientNode.fates.lostByCause["node-crash"]).toBe(0);
    expect(onClientNode.fates.total.queued).toBeGreaterThan(450);
  });
});
