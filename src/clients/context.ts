import type { Broker } from "../amqp/broker.js";
import type { RandomStreams } from "../engine/random.js";
import type { Signal } from "../engine/signal.js";
import type { Simulator } from "../engine/simulator.js";
import type { Nanoseconds } from "../engine/time.js";
import type { ConsumerActivitySignal } from "../metrics/consumer-activity.js";

/** What every simulated client needs from the world it runs in. */
export interface ClientContext {
  readonly sim: Simulator;
  readonly broker: Broker;
  /** Named streams from the scenario seed; each client draws from its own names. */
  readonly streams: RandomStreams;
  /** Where consumers report busy / idle (for utilisation); optional. */
  readonly activity?: Signal<ConsumerActivitySignal>;
  /**
   * Called when a consumer's handler starts on a message: `latency` ns since it was published
   * (client-side waiting included, unlike the broker's publish-to-delivery latency). `producer`
   * is the publishing group (the app-id property producers set), "" if unknown.
   */
  readonly onHandlerStart?: (consumer: string, producer: string, latency: Nanoseconds) => void;
  /** End of the run: clients stop publishing / consuming here at the latest. */
  readonly end: Nanoseconds;
}
