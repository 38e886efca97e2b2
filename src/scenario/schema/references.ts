import { didYouMean } from "../suggest.js";
import { type RawDoc, records, str } from "./section.js";

/** Exchanges every vhost has without declaring them (RabbitMQ's pre-declared amq.* exchanges). */
export const PREDECLARED_EXCHANGES: Readonly<Record<string, string>> = {
  "amq.direct": "direct",
  "amq.fanout": "fanout",
  "amq.topic": "topic",
  "amq.headers": "headers",
  "amq.match": "headers",
};

/** Names declared in a raw document, per vhost, for reference checks. */
export class Declared {
  readonly vhosts: Set<string>;
  readonly exchanges = new Map<string, Map<string, { readonly [key: string]: unknown }>>();
  readonly queues = new Map<string, Set<string>>();

  constructor(doc: RawDoc) {
    const v = doc.vhosts;
    this.vhosts = new Set(Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : ["/"]);
    for (const { item } of records(doc.exchanges)) {
      const name = str(item, "name");
      if (name !== undefined) this.exchangeMap(str(item, "vhost") ?? "/").set(name, item);
    }
    for (const { item } of records(doc.queues)) {
      const name = str(item, "name");
      if (name !== undefined) this.queueSet(str(item, "vhost") ?? "/").add(name);
    }
  }

  private exchangeMap(vhost: string): Map<string, { readonly [key: string]: unknown }> {
    let m = this.exchanges.get(vhost);
    if (!m) {
      m = new Map();
      this.exchanges.set(vhost, m);
    }
    return m;
  }

  private queueSet(vhost: string): Set<string> {
    let s = this.queues.get(vhost);
    if (!s) {
      s = new Set();
      this.queues.set(vhost, s);
    }
    return s;
  }

  hasExchange(vhost: string, name: string): boolean {
    return name in PREDECLARED_EXCHANGES || (this.exchanges.get(vhost)?.has(name) ?? false);
  }

  exchange(vhost: string, name: string): { readonly [key: string]: unknown } | undefined {
    return this.exchanges.get(vhost)?.get(name);
  }

  hasQueue(vhost: string, name: string): boolean {
    return this.queues.get(vhost)?.has(name) ?? false;
  }

  /** Message for an undeclared exchange, with the closest declared name. */
  noExchange(vhost: string, name: string): string {
    const names = [...(this.exchanges.get(vhost)?.keys() ?? []), ...Object.keys(PREDECLARED_EXCHANGES)];
    return `exchange "${name}" is not declared in vhost "${vhost}"${didYouMean(name, names)}`;
  }

  noQueue(vhost: string, name: string): string {
    return `queue "${name}" is not declared in vhost "${vhost}"${didYouMean(name, this.queues.get(vhost) ?? [])}`;
  }

  noVhost(vhost: string): string {
    return `vhost "${vhost}" is not declared in vhosts${didYouMean(vhost, this.vhosts)}`;
  }
}
