import type { Nanoseconds } from "../engine/time.js";
import type { BrokerOp, OpSize } from "./runtime.js";

/**
 * CPU time each broker operation costs on the Erlang process that runs it (ns; perByte in ns per
 * body byte, fractional). A classic queue is one process, so its throughput is bounded by
 * 1 / (enqueue + deliver + ack + bytes * perByte) per second however many cores the node has.
 */
export interface CostModel {
  /** Exchange routing, per message, in the channel process. */
  readonly route: Nanoseconds;
  /** Added to `route` per binding visited (topic / headers exchanges visit many). */
  readonly perBinding: Nanoseconds;
  /** Queue process accepts one message. */
  readonly enqueue: Nanoseconds;
  /** Queue process hands one message to a consumer (or basic.get). */
  readonly deliver: Nanoseconds;
  /** Queue process settles one ack / nack / reject. */
  readonly ack: Nanoseconds;
  /** Channel process emits one publisher confirm. */
  readonly confirm: Nanoseconds;
  /** One connection / channel method frame (declare, bind, qos, consume, open, close ...). */
  readonly frame: Nanoseconds;
  /** A quorum follower or classic mirror applies one message. */
  readonly replicate: Nanoseconds;
  /** Per body byte copied by route / enqueue / deliver / replicate (ns per byte). */
  readonly perByte: number;
}

/**
 * Defaults. These are assumptions, not measurements, chosen so that the derived figures match the
 * orders of magnitude RabbitMQ documents and PerfTest reports: a single classic queue moves tens of
 * thousands of small messages per second (enqueue + deliver + ack = 23 us => about 43 k msg/s with a
 * consumer, 100 k msg/s publish-only), routing is cheap next to queueing, a 100 KiB body costs about
 * as much CPU as the fixed per-message work (0.25 ns/B ~ 4 GB/s memory copy), and one-way latency
 * through an idle broker is well under the ~1.6 ms oslo.messaging cast figure (openstack-rpc.md
 * §5.1), most of which is network and client time. Calibrate against a real broker before trusting
 * absolute capacity; ratios between configurations are more robust than absolute numbers.
 */
export const DEFAULT_COSTS: CostModel = {
  route: 3_000,
  perBinding: 500,
  enqueue: 10_000,
  deliver: 8_000,
  ack: 5_000,
  confirm: 2_000,
  frame: 20_000,
  replicate: 8_000,
  perByte: 0.25,
};

/** A cost model where every operation is free (for tests and teaching scenarios). */
export const ZERO_COSTS: CostModel = {
  route: 0,
  perBinding: 0,
  enqueue: 0,
  deliver: 0,
  ack: 0,
  confirm: 0,
  frame: 0,
  replicate: 0,
  perByte: 0,
};

/** CPU time of one operation, rounded to whole ns so simulated time stays integral. */
export function opCost(costs: CostModel, op: BrokerOp, size: OpSize): Nanoseconds {
  let ns: number;
  switch (op) {
    case "route":
      ns = costs.route + costs.perBinding * (size.bindings ?? 0) + costs.perByte * (size.bytes ?? 0);
      break;
    case "enqueue":
      ns = costs.enqueue + costs.perByte * (size.bytes ?? 0);
      break;
    case "deliver":
      ns = costs.deliver + costs.perByte * (size.bytes ?? 0);
      break;
    case "replicate":
      ns = costs.replicate * (size.count ?? 1) + costs.perByte * (size.bytes ?? 0);
      break;
    case "ack":
      ns = costs.ack * (size.count ?? 1);
      break;
    case "confirm":
      ns = costs.confirm;
      break;
    case "frame":
      ns = costs.frame;
      break;
  }
  return Math.round(ns);
}
