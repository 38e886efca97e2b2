import type { ConformanceCase, ExchangeDecl, FieldTable, MessageProps, Step } from "../case.js";

export interface RoutingCaseSpec {
  readonly name: string;
  readonly rule: string;
  readonly source: string;
  readonly exchange: ExchangeDecl;
  /** One queue per binding unless names repeat; the queue name is the consumer tag too. */
  readonly bindings: readonly {
    readonly queue: string;
    readonly key: string;
    readonly arguments?: FieldTable;
  }[];
  readonly messages: readonly {
    readonly msg: string;
    readonly key: string;
    readonly props?: MessageProps;
    readonly mandatory?: boolean;
  }[];
}

/**
 * A routing case: one exchange, queues bound to it, a no-ack consumer per queue (each on its own
 * channel, named like the queue), then the messages, published on channel "A". The record shows which queue got which message, in order, per consumer.
 */
export function routingCase(spec: RoutingCaseSpec): ConformanceCase {
  const queues = [...new Set(spec.bindings.map((b) => b.queue))];
  return {
    name: spec.name,
    rule: spec.rule,
    source: spec.source,
    // One channel per consumer: delivery tags of copies going to several queues on one channel
    // would be numbered in a racy order.
    channels: Object.fromEntries([["A", {}], ...queues.map((q) => [q, {}])]),
    topology: {
      exchanges: [spec.exchange],
      queues: queues.map((name) => ({ name })),
      bindings: spec.bindings.map((b) => ({ ...b, exchange: spec.exchange.name })),
    },
    steps: [
      ...queues.map((queue): Step => ({ op: "consume", ch: queue, queue, tag: queue, noAck: true })),
      ...spec.messages.map(
        (m): Step => ({
          op: "publish",
          exchange: spec.exchange.name,
          key: m.key,
          msg: m.msg,
          ...(m.props ? { props: m.props } : {}),
          ...(m.mandatory !== undefined ? { mandatory: m.mandatory } : {}),
        }),
      ),
    ],
  };
}

/** `n` basic.get steps on `queue` (manual ack unless noAck). */
export function gets(queue: string, n: number, opts: { ch?: string; noAck?: boolean } = {}): Step[] {
  return Array.from({ length: n }, (): Step => ({ op: "get", queue, ...opts }));
}

/** Publish each id to the default exchange with the queue name as key. */
export function publishTo(queue: string, msgs: readonly string[], props?: MessageProps, ch?: string): Step[] {
  return msgs.map(
    (msg): Step => ({
      op: "publish",
      exchange: "",
      key: queue,
      msg,
      ...(props ? { props } : {}),
      ...(ch ? { ch } : {}),
    }),
  );
}
