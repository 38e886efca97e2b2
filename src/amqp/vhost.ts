import type { Binding } from "./binding.js";
import type { Exchange } from "./exchange.js";
import type { Queue } from "./queue.js";

/** A virtual host: an isolated namespace of exchanges, queues and bindings (docs/vhosts.md). */
export class VHost {
  readonly exchanges = new Map<string, Exchange>();
  readonly queues = new Map<string, Queue>();
  /** Bindings by destination ("q:name" / "x:name"), so deleting a destination removes them. */
  readonly inbound = new Map<string, Map<string, Binding>>();

  constructor(readonly name: string) {}

  addInbound(b: Binding): void {
    const k = destKey(b.destinationKind, b.destination);
    let m = this.inbound.get(k);
    if (!m) {
      m = new Map();
      this.inbound.set(k, m);
    }
    m.set(b.id, b);
  }

  removeInbound(b: Binding): void {
    const k = destKey(b.destinationKind, b.destination);
    const m = this.inbound.get(k);
    if (!m) return;
    m.delete(b.id);
    if (m.size === 0) this.inbound.delete(k);
  }

  inboundOf(kind: "queue" | "exchange", name: string): Binding[] {
    return [...(this.inbound.get(destKey(kind, name))?.values() ?? [])];
  }
}

const destKey = (kind: "queue" | "exchange", name: string): string => (kind === "queue" ? "q:" : "x:") + name;
