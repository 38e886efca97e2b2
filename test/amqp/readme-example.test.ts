import { expect, it } from "vitest";
// The example of README section "amqp", verbatim between the markers below.
// --- README example start
import { Broker } from "../../src/amqp/index.js";
import { FreeRuntime } from "../../src/cluster/index.js";
import { Simulator } from "../../src/engine/index.js";

function example(): string[] {
  const sim = new Simulator();
  const broker = new Broker(sim, { runtime: new FreeRuntime(sim), version: "3.10" });
  const ch = broker.connect({ name: "app" }).createChannel();
  const log: string[] = [];

  ch.assertExchange("orders", "topic", { durable: true });
  ch.assertQueue("eu-orders", { arguments: { "x-message-ttl": 60_000 } });
  ch.bindQueue("eu-orders", "orders", "order.eu.*");
  ch.prefetch(10);
  ch.confirmSelect();
  ch.consume("eu-orders", (d) => {
    if (!d) return; // null: the broker cancelled the consumer
    log.push(`got ${d.fields.routingKey} tag=${d.fields.deliveryTag} at ${sim.now} ns`);
    ch.ack(d);
  });
  ch.on("return", (m) => log.push(`returned ${m.fields.replyCode} ${m.fields.routingKey}`));
  ch.publish("orders", "order.eu.created", { bytes: 512, body: { id: 1 } }, { persistent: true }, (err) =>
    log.push(err ? "nacked" : "confirmed"),
  );
  ch.publish("orders", "order.us.created", { bytes: 512 }, { mandatory: true });

  sim.run();
  const fates = broker.finish(); // end of run: checks that every copy has exactly one fate
  log.push(`acked=${fates.total.acked} returned=${fates.total.returned}`);
  return log;
}
// --- README example end

it("README example: topic routing, confirms, mandatory return, fates", () => {
  expect(example()).toEqual([
    "got order.eu.created tag=1 at 0 ns",
    "confirmed",
    "returned 312 order.us.created",
    "acked=1 returned=1",
  ]);
});
