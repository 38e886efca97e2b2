import type { ChannelSpec, FieldTable, Step, Topology } from "./case.js";

/**
 * What a broker did when a case was played: the recorder writes it from a real RabbitMQ
 * (fixtures/<case>.json), the simulator driver produces it from src/amqp, and the replay test
 * compares the two. Only what is deterministic on the real broker is recorded (see `canonical`).
 */

export interface Delivery {
  /** message-id property. */
  readonly msg: string;
  readonly tag: number;
  readonly redelivered: boolean;
  readonly exchange: string;
  readonly routingKey: string;
  /** Headers as delivered, x-death `time` fields removed; omitted when there are none. */
  readonly headers?: FieldTable;
  readonly expiration?: string;
  readonly priority?: number;
  /** 1 transient, 2 persistent; omitted when the publisher did not set it. */
  readonly deliveryMode?: number;
}

export type BrokerEvent =
  | { readonly type: "deliver"; readonly ch: string; readonly consumer: string; readonly delivery: Delivery }
  /** The broker cancelled the consumer (queue deleted): docs/consumer-cancel.md. */
  | { readonly type: "cancelled"; readonly ch: string; readonly consumer: string }
  | {
      readonly type: "return";
      readonly ch: string;
      readonly msg: string;
      readonly replyCode: number;
      readonly exchange: string;
      readonly routingKey: string;
    }
  | { readonly type: "confirm"; readonly ch: string; readonly msg: string; readonly ack: boolean }
  /** The broker closed the channel (channel error); `text` is informative, not compared. */
  | { readonly type: "channel-closed"; readonly ch: string; readonly code: number; readonly text: string }
  /** The broker closed the connection (connection error, e.g. 503 COMMAND_INVALID). */
  | {
      readonly type: "connection-closed";
      readonly conn: string;
      readonly code: number;
      readonly text: string;
    };

export type StepResult =
  | { readonly ok: true }
  | { readonly error: number; readonly text: string }
  | { readonly queue: string; readonly messageCount: number; readonly consumerCount: number }
  | { readonly messageCount: number }
  | { readonly consumerTag: string }
  | { readonly empty: true }
  | { readonly got: Delivery; readonly messageCount: number }
  | {
      readonly queues: { readonly [queue: string]: { messages: number; consumers: number } | "absent" };
      readonly exchanges: { readonly [exchange: string]: "present" | "absent" };
    };

export interface StepRecord {
  readonly step: number;
  readonly op: string;
  readonly result: StepResult;
  /** Everything the broker sent asynchronously while the step settled, in canonical order. */
  readonly events: readonly BrokerEvent[];
}

export interface CaseRecord {
  readonly steps: readonly StepRecord[];
  /** Server-named queues: alias -> the name's prefix ("amq.gen-"). */
  readonly serverNamed: { readonly [alias: string]: string };
}

export interface Fixture extends CaseRecord {
  readonly case: string;
  readonly rule: string;
  readonly source: string;
  readonly broker: { readonly product: string; readonly version: string; readonly platform: string };
  readonly client: string;
  /** The case as it was when recorded: replay refuses a fixture whose case has changed since. */
  readonly definition: {
    readonly channels: { readonly [name: string]: ChannelSpec } | null;
    readonly topology: Topology | null;
    readonly steps: readonly Step[];
    readonly vhosts?: { readonly [conn: string]: string };
  };
}

/** The part of a case a fixture depends on, as plain JSON. */
export function definitionOf(kase: {
  readonly channels?: { readonly [name: string]: ChannelSpec };
  readonly topology?: Topology;
  readonly steps: readonly Step[];
  readonly vhosts?: { readonly [conn: string]: string };
}): Fixture["definition"] {
  return JSON.parse(
    JSON.stringify({
      channels: kase.channels ?? null,
      topology: kase.topology ?? null,
      steps: kase.steps,
      ...(kase.vhosts ? { vhosts: kase.vhosts } : {}),
    }),
  ) as Fixture["definition"];
}

/**
 * Canonical event order: the real broker orders events within one stream only (one consumer's
 * deliveries, one channel's returns + confirms, one channel's close), not across channels or
 * queues. Sort by stream, keeping order within a stream (Array.prototype.sort is stable).
 */
export function canonical(events: readonly BrokerEvent[]): BrokerEvent[] {
  const stream = (e: BrokerEvent): string => {
    switch (e.type) {
      case "deliver":
      case "cancelled":
        return `${e.ch}\u0000c:${e.consumer}`;
      case "return":
      case "confirm":
        return `${e.ch}\u0000p`;
      case "channel-closed":
        return `${e.ch}\u0000z`;
      case "connection-closed":
        return `\u0001${e.conn}`;
    }
  };
  return [...events].sort((a, b) => {
    const sa = stream(a);
    const sb = stream(b);
    return sa < sb ? -1 : sa > sb ? 1 : 0;
  });
}
