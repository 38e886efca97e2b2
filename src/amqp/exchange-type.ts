import type { Binding } from "./binding.js";
import type { FieldTable } from "./message.js";

/**
 * One interface for every exchange type (hono's one Router, several implementations, one shared
 * contract suite: test/amqp/exchange-contract.test.ts). An implementation only matches bindings;
 * following exchange-to-exchange bindings, de-duplication and alternate exchanges live in routing.ts.
 */
export interface ExchangeRouter {
  readonly type: string;
  /** Add a binding; false if an identical binding (same id) already exists. */
  bind(binding: Binding): boolean;
  /** Remove a binding by id; false if absent. */
  unbind(binding: Binding): boolean;
  /**
   * Append every binding matching (routingKey, headers) to `out`; may append duplicates of a
   * destination (the caller de-duplicates). Returns how many bindings were visited (a cost hint).
   */
  route(routingKey: string, headers: FieldTable | undefined, out: Binding[]): number;
  /** Check a binding's arguments before it is added; returns an error detail or undefined. */
  validate?(binding: Binding): string | undefined;
  /** Every binding, in insertion order. */
  bindings(): Iterable<Binding>;
  readonly size: number;
}
