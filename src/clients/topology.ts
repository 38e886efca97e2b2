import type { Channel } from "../amqp/channel.js";
import type { AmqpError } from "../amqp/errors.js";
import type { ExchangeOptions } from "../amqp/exchange.js";
import type { FieldTable } from "../amqp/message.js";
import type { QueueOptions } from "../amqp/queue.js";

/**
 * One declaration a client makes when it (re)connects: what an application declares before it
 * publishes or consumes, and what the Java client's topology recovery and oslo.messaging redeclare
 * after a reconnect (docs/connections.md "Automatic recovery ... topology recovery"). Declaring
 * an entity that exists with the same properties is a no-op, so redeclaring is safe; a queue the
 * crash deleted (a transient one) is created again, on the node the client is connected to.
 */
export type Declaration =
  | {
      readonly kind: "exchange";
      readonly name: string;
      readonly type: string;
      readonly options: ExchangeOptions;
    }
  | { readonly kind: "queue"; readonly name: string; readonly options: QueueOptions }
  | {
      readonly kind: "bind-queue";
      readonly queue: string;
      readonly source: string;
      readonly key: string;
      readonly args: FieldTable;
    }
  | {
      readonly kind: "bind-exchange";
      readonly destination: string;
      readonly source: string;
      readonly key: string;
      readonly args: FieldTable;
    };

/**
 * Sends `decls` in order on `ch` (pipelined, as clients do: the broker answers them in order)
 * and calls `done` once: with null after the last answer, or with the first error (which closed
 * the channel, so the rest fail too). No declarations: `done(null)` at once.
 */
export function declareAll(
  ch: Channel,
  decls: readonly Declaration[],
  done: (err: AmqpError | null) => void,
): void {
  if (decls.length === 0) {
    done(null);
    return;
  }
  let left = decls.length;
  let failed = false;
  const answer = (err: AmqpError | null): void => {
    if (failed) return;
    if (err !== null) {
      failed = true;
      done(err);
      return;
    }
    if (--left === 0) done(null);
  };
  for (const d of decls) {
    switch (d.kind) {
      case "exchange":
        ch.assertExchange(d.name, d.type, d.options, answer);
        break;
      case "queue":
        ch.assertQueue(d.name, d.options, answer);
        break;
      case "bind-queue":
        ch.bindQueue(d.queue, d.source, d.key, d.args, answer);
        break;
      case "bind-exchange":
        ch.bindExchange(d.destination, d.source, d.key, d.args, answer);
        break;
    }
  }
}
