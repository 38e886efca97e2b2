import type { Endpoint } from "../cluster/runtime.js";
import type { Broker } from "./broker.js";
import { Channel } from "./channel.js";
import { Emitter } from "./emitter.js";
import { type AmqpError, IllegalOperationError } from "./errors.js";
import type { LossCause } from "./fate.js";
import type { Queue } from "./queue.js";
import type { VHost } from "./vhost.js";

export interface ConnectOptions {
  /** Client name (a producer / consumer process); appears in signals. */
  readonly name: string;
  readonly vhost?: string;
  /** Broker node the client connects to (default: the runtime's first node). */
  readonly node?: string;
}

export interface CloseInfo {
  readonly code: number;
  readonly text: string;
}

type ConnectionEvents = {
  close: (info: CloseInfo) => void;
  error: (info: CloseInfo) => void;
};

/**
 * An AMQP connection. Client side and broker side in one object: client methods send frames
 * through runtime.send, and the broker's handling runs when they arrive.
 */
export class Connection extends Emitter<ConnectionEvents> {
  readonly vhost: VHost;
  readonly node: string;
  readonly client: Endpoint;
  readonly server: Endpoint;
  readonly channels = new Map<number, Channel>();
  /** Exclusive queues this connection declared (deleted when it closes, docs/queues.md). */
  readonly exclusiveQueues = new Set<Queue>();
  /** Broker side: open until close / loss is processed. */
  brokerOpen = true;
  /** Client side: open until close-ok / loss notice arrives (or close() is called). */
  clientOpen = true;
  private nextChannel = 1;

  constructor(
    readonly broker: Broker,
    options: ConnectOptions,
  ) {
    super();
    this.name = options.name;
    this.vhost = broker.vhost(options.vhost ?? "/");
    this.node = options.node ?? broker.runtime.nodes[0] ?? "rabbit@node1";
    this.client = { kind: "client", name: options.name, net: undefined };
    this.server = { kind: "node", name: this.node, net: undefined };
  }

  readonly name: string;

  /** Open a channel; usable at once (its frames follow channel.open on the same link). */
  createChannel(): Channel {
    if (!this.clientOpen) throw new IllegalOperationError(`connection '${this.name}' is closed`);
    const ch = new Channel(this, this.nextChannel++);
    this.channels.set(ch.id, ch);
    return ch;
  }

  /** connection.close: the broker requeues unacked, cancels consumers, deletes exclusive queues. */
  close(callback?: () => void): void {
    if (!this.clientOpen) throw new IllegalOperationError(`connection '${this.name}' is already closed`);
    this.clientOpen = false;
    this.broker.runtime.send(this.client, this.server, 64, brokerClose, { conn: this, callback });
  }

  /**
   * The connection dies without a close handshake (TCP loss, client crash, missed heartbeats):
   * the broker cleans up at once; the client learns it (error + close events) after a network hop.
   */
  lose(reason = "connection lost"): void {
    if (!this.brokerOpen) return;
    this.brokerTeardown();
    this.broker.runtime.send(this.server, this.client, 0, clientLost, { conn: this, reason });
  }

  /**
   * A connection-level exception (503 COMMAND_INVALID, 530 NOT_ALLOWED ...): the broker closes
   * the whole connection; the client gets "error" and "close" on the connection and every
   * channel's pending calls fail.
   */
  connectionError(err: AmqpError): void {
    if (!this.brokerOpen) return;
    const sig = this.broker.signals.channelError;
    if (sig.active) {
      sig.emit({
        time: this.broker.sim.now,
        connection: this.name,
        channel: 0,
        code: err.code,
        text: err.text,
      });
    }
    this.brokerTeardown();
    this.broker.runtime.send(this.server, this.client, 64, clientConnectionError, { conn: this, err });
  }

  /** Broker side: close every channel (requeue unacked, cancel consumers), drop exclusive queues. */
  brokerTeardown(): void {
    if (!this.brokerOpen) return;
    this.brokerOpen = false;
    for (const ch of this.channels.values()) ch.brokerClose();
    for (const q of [...this.exclusiveQueues]) this.broker.deleteQueue(q, "connection-closed");
    this.exclusiveQueues.clear();
    this.broker.connections.delete(this);
  }

  /** Client side: the connection is gone. */
  clientClosed(info: CloseInfo, isError: boolean): void {
    this.clientOpen = false;
    for (const ch of this.channels.values()) ch.clientClosed(info, false);
    if (isError) this.emit("error", info);
    this.emit("close", info);
  }

  forgetDeliveries(q: Queue, cause: LossCause): void {
    for (const ch of this.channels.values()) ch.forgetDeliveries(q, cause);
  }

  finishDeliveries(): void {
    for (const ch of this.channels.values()) ch.finishDeliveries();
  }
}

function brokerClose(a: { conn: Connection; callback: (() => void) | undefined }): void {
  a.conn.brokerTeardown();
  a.conn.broker.runtime.send(a.conn.server, a.conn.client, 0, clientCloseOk, a);
}

function clientCloseOk(a: { conn: Connection; callback: (() => void) | undefined }): void {
  a.conn.clientClosed({ code: 200, text: "OK" }, false);
  a.callback?.();
}

function clientConnectionError(a: { conn: Connection; err: AmqpError }): void {
  if (!a.conn.clientOpen && a.conn.channels.size === 0) return;
  a.conn.clientClosed({ code: a.err.code, text: a.err.text }, true);
}

function clientLost(a: { conn: Connection; reason: string }): void {
  if (!a.conn.clientOpen) return;
  a.conn.clientClosed({ code: 320, text: `CONNECTION_FORCED - ${a.reason}` }, true);
}
