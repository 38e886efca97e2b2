import type { Binding } from "../binding.js";
import { DirectRouter } from "./direct.js";

/**
 * The default exchange "": a direct exchange to which every queue is bound implicitly with its own
 * name as key (tutorials/amqp-concepts#exchange-default). The vhost adds / removes those implicit
 * bindings; clients may not bind to it or unbind from it (403), and it has no alternate exchange.
 */
export class DefaultRouter extends DirectRouter {
  override readonly type = "direct";
  /** The implicit binding of queue `name`. */
  static bindingFor(name: string): Binding {
    return {
      source: "",
      destination: name,
      destinationKind: "queue",
      key: name,
      args: {},
      id: `\u0000queue\u0000${name}\u0000${name}\u0000{}`,
    };
  }
}
