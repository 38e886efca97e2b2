/**
 * The conformance case format: neutral to both sides. The recorder (record.ts) plays a case
 * against a real RabbitMQ with amqplib; the simulator driver (sim-driver.ts) plays the same case
 * against src/amqp. Both produce a `CaseRecord` (fixture.ts) that must be equal.
 *
 * Names in a case are the names the broker sees, except a queue declared with `name: ""` and
 * `as: "alias"`: the server picks its name and every later step (and the record) uses the alias.
 *
 * Field values in headers and arguments follow amqplib's notation: JS strings, booleans,
 * integers (encoded as the smallest signed int type), non-integers (double), `null` (void),
 * arrays, nested tables, and `{ "!": "double" | "float" | "long" | ..., value }` for an
 * explicit AMQP type.
 */

export type FieldValue =
  | string
  | number
  | boolean
  | null
  | readonly FieldValue[]
  | { readonly "!": string; readonly value: number | string }
  | { readonly [key: string]: FieldValue };

export type FieldTable = { readonly [key: string]: FieldValue };

export interface ChannelSpec {
  /** Connection the channel lives on; connections open lazily, named freely. Default "A". */
  readonly conn?: string;
  /** confirm.select on open. */
  readonly confirm?: boolean;
}

export interface ExchangeDecl {
  readonly name: string;
  readonly type: "direct" | "fanout" | "topic" | "headers";
  readonly durable?: boolean;
  readonly autoDelete?: boolean;
  readonly internal?: boolean;
  readonly arguments?: FieldTable;
}

export interface QueueDecl {
  readonly name: string;
  readonly durable?: boolean;
  readonly exclusive?: boolean;
  readonly autoDelete?: boolean;
  readonly arguments?: FieldTable;
}

export interface QueueBindingDecl {
  readonly queue: string;
  readonly exchange: string;
  readonly key: string;
  readonly arguments?: FieldTable;
}

export interface ExchangeBindingDecl {
  readonly destination: string;
  readonly source: string;
  readonly key: string;
  readonly arguments?: FieldTable;
}

export interface Topology {
  readonly exchanges?: readonly ExchangeDecl[];
  readonly queues?: readonly QueueDecl[];
  readonly bindings?: readonly QueueBindingDecl[];
  readonly exchangeBindings?: readonly ExchangeBindingDecl[];
}

export interface MessageProps {
  readonly expiration?: string;
  readonly priority?: number;
  readonly persistent?: boolean;
  readonly headers?: FieldTable;
  /** Sender-selected routing keys (docs/sender-selected.md); sent as the CC / BCC headers. */
  readonly CC?: readonly string[];
  readonly BCC?: readonly string[];
}

/** `ch` is a channel name from `ConformanceCase.channels`; default "A". */
export type Step =
  | { readonly op: "open"; readonly ch: string; readonly conn?: string; readonly confirm?: boolean }
  | ({ readonly op: "declareExchange"; readonly ch?: string; readonly passive?: boolean } & ExchangeDecl)
  | {
      readonly op: "deleteExchange";
      readonly ch?: string;
      readonly name: string;
      readonly ifUnused?: boolean;
    }
  | ({
      readonly op: "declareQueue";
      readonly ch?: string;
      readonly passive?: boolean;
      /** Alias for a server-named queue (name ""). */
      readonly as?: string;
    } & QueueDecl)
  | {
      readonly op: "deleteQueue";
      readonly ch?: string;
      readonly name: string;
      readonly ifUnused?: boolean;
      readonly ifEmpty?: boolean;
    }
  | { readonly op: "purgeQueue"; readonly ch?: string; readonly name: string }
  | ({ readonly op: "bindQueue" | "unbindQueue"; readonly ch?: string } & QueueBindingDecl)
  | ({ readonly op: "bindExchange" | "unbindExchange"; readonly ch?: string } & ExchangeBindingDecl)
  | {
      readonly op: "publish";
      readonly ch?: string;
      readonly exchange: string;
      readonly key: string;
      /** The message-id property: how the record names the message. */
      readonly msg: string;
      readonly mandatory?: boolean;
      /** Body size in bytes (default: the msg id's length; the body is the id padded with '.'). */
      readonly bytes?: number;
      readonly props?: MessageProps;
    }
  | {
      readonly op: "consume";
      readonly ch?: string;
      readonly queue: string;
      /** Consumer tag; the record names the consumer by it. */
      readonly tag: string;
      readonly noAck?: boolean;
      readonly exclusive?: boolean;
      /** x-priority consumer argument (docs/consumer-priority.md). */
      readonly priority?: number;
    }
  | { readonly op: "cancel"; readonly ch?: string; readonly tag: string }
  | { readonly op: "get"; readonly ch?: string; readonly queue: string; readonly noAck?: boolean }
  | {
      readonly op: "ack" | "nack" | "reject";
      readonly ch?: string;
      /**
       * The message whose latest delivery on this channel is settled; or `tag` for a raw
       * delivery tag (to provoke unknown-tag errors).
       */
      readonly msg?: string;
      readonly tag?: number;
      readonly multiple?: boolean;
      /** nack / reject only; default true as in amqplib. */
      readonly requeue?: boolean;
    }
  | { readonly op: "qos"; readonly ch?: string; readonly prefetch: number; readonly global?: boolean }
  | { readonly op: "recover"; readonly ch?: string }
  | { readonly op: "closeChannel"; readonly ch: string }
  | { readonly op: "closeConnection"; readonly conn: string }
  /** Let real (recorder) or simulated (driver) time pass: TTLs, x-expires. */
  | { readonly op: "wait"; readonly ms: number }
  /**
   * Checkpoint: ready-message count and consumer count of each queue (queue.declare passive on a
   * throw-away channel of `conn`, default the admin connection), and whether exchanges exist.
   */
  | {
      readonly op: "check";
      readonly queues?: readonly string[];
      readonly exchanges?: readonly string[];
      readonly conn?: string;
    };

export interface ConformanceCase {
  /** kebab-case; the fixture is fixtures/<name>.json. */
  readonly name: string;
  /** The rule the case checks, in words. */
  readonly rule: string;
  /** Section of docs/reference/amqp-semantics.md (and the RabbitMQ doc page). */
  readonly source: string;
  /**
   * Connections to another virtual host than the case's own ("/"): connection name -> vhost name.
   * Each vhost is a separate namespace of exchanges and queues (docs/vhosts.md).
   */
  readonly vhosts?: { readonly [conn: string]: string };
  /** Channels opened before the topology, in this order; default { A: { conn: "A" } }. */
  readonly channels?: { readonly [name: string]: ChannelSpec };
  /** Declared on an internal channel of connection "A" before the steps. */
  readonly topology?: Topology;
  readonly steps: readonly Step[];
}

export const DEFAULT_CHANNEL = "A";
export const DEFAULT_CONNECTION = "A";
/** Connection for checkpoints unless a step names one. */
export const ADMIN_CONNECTION = "_admin";

/** Body of a message: its id, padded with '.' to `bytes`. */
export function messageBody(msg: string, bytes: number | undefined): string {
  if (bytes === undefined) return msg;
  return (msg + ".".repeat(Math.max(0, bytes))).slice(0, bytes);
}
