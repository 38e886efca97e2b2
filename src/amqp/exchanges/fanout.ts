import type { Binding } from "../binding.js";
import type { ExchangeRouter } from "../exchange-type.js";
import type { FieldTable } from "../message.js";

/** Fanout exchange: every binding matches; the routing key is ignored (docs/exchanges.md). */
export class FanoutRouter implements ExchangeRouter {
  readonly type = "fanout";
  private readonly all = new Map<string, Binding>();

  get size(): number {
    return this.all.size;
  }

  bind(b: Binding): boolean {
    if (this.all.has(b.id)) return false;
    this.all.set(b.id, b);
    return true;
  }

  unbind(b: Binding): boolean {
    return this.all.delete(b.id);
  }

  route(_routingKey: string, _headers: FieldTable | undefined, out: Binding[]): number {
    for (const b of this.all.values()) out.push(b);
    return this.all.size;
  }

  bindings(): Iterable<Binding> {
    return this.all.values();
  }
}
