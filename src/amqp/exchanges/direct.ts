import type { Binding } from "../binding.js";
import type { ExchangeRouter } from "../exchange-type.js";
import type { FieldTable } from "../message.js";

/** Direct exchange: a binding matches when its key equals the routing key (docs/exchanges.md). O(1) lookup. */
export class DirectRouter implements ExchangeRouter {
  readonly type: string = "direct";
  private readonly byKey = new Map<string, Map<string, Binding>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  bind(b: Binding): boolean {
    let m = this.byKey.get(b.key);
    if (!m) {
      m = new Map();
      this.byKey.set(b.key, m);
    }
    if (m.has(b.id)) return false;
    m.set(b.id, b);
    this.count++;
    return true;
  }

  unbind(b: Binding): boolean {
    const m = this.byKey.get(b.key);
    if (!m?.delete(b.id)) return false;
    if (m.size === 0) this.byKey.delete(b.key);
    this.count--;
    return true;
  }

  route(routingKey: string, _headers: FieldTable | undefined, out: Binding[]): number {
    const m = this.byKey.get(routingKey);
    if (!m) return 1;
    for (const b of m.values()) out.push(b);
    return m.size;
  }

  *bindings(): Iterable<Binding> {
    for (const m of this.byKey.values()) yield* m.values();
  }
}
