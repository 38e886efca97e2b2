import type { ExchangeRouter } from "./exchange-type.js";
import { DirectRouter } from "./exchanges/direct.js";
import { FanoutRouter } from "./exchanges/fanout.js";
import { HeadersRouter } from "./exchanges/headers.js";
import { TopicRouter } from "./exchanges/topic.js";
import type { FieldTable } from "./message.js";

/** Exchange types by name; a type registers its router factory here. */
export const EXCHANGE_TYPES: Readonly<Record<string, () => ExchangeRouter>> = {
  direct: () => new DirectRouter(),
  fanout: () => new FanoutRouter(),
  topic: () => new TopicRouter(),
  headers: () => new HeadersRouter(),
};

export interface ExchangeOptions {
  readonly durable?: boolean;
  readonly autoDelete?: boolean;
  readonly internal?: boolean;
  /** amqplib's shortcut for arguments["alternate-exchange"]. */
  readonly alternateExchange?: string;
  readonly arguments?: FieldTable;
}

/** An exchange: its declared properties and the router of its type. */
export class Exchange {
  /** Whether a binding with this exchange as source ever existed (auto-delete needs one). */
  everBound = false;
  deleted = false;
  /** Routing epoch mark: each exchange is visited once per routing decision (e2e cycles). */
  routeMark = 0;

  constructor(
    readonly vhost: string,
    readonly name: string,
    readonly type: string,
    readonly router: ExchangeRouter,
    readonly durable: boolean,
    readonly autoDelete: boolean,
    readonly internal: boolean,
    readonly args: FieldTable,
    /** Node that declared it (exchanges are cluster-wide metadata; kept for traces). */
    readonly node: string,
  ) {}

  /** alternate-exchange argument (docs/ae.md); the default exchange has none. */
  get alternate(): string | undefined {
    if (this.name === "") return undefined;
    const ae = this.args["alternate-exchange"];
    return typeof ae === "string" ? ae : undefined;
  }
}
