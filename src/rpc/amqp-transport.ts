import type { Broker } from "../amqp/broker.js";
import type { Channel, Delivery } from "../amqp/channel.js";
import type { Connection } from "../amqp/connection.js";
import { AmqpError, REPLY } from "../amqp/errors.js";
import type { FieldTable } from "../amqp/message.js";
import type { RandomStream } from "../engine/random.js";
import type { Nanoseconds } from "../engine/time.js";
import type {
  Done,
  ExchangeOptions,
  PublishOutcome,
  QueueOptions,
  RpcPayload,
  Transport,
  TransportConnection,
  TransportDelivery,
  TransportMessage,
} from "./transport.js";

export interface AmqpTransportOptions {
  readonly vhost?: string;
  /** Draws the node of each new connection; without it, connections take the nodes in turn. */
  readonly rng?: RandomStream;
}

/**
 * The RPC transport on the AMQP model's Channel API: one AMQP connection with one confirm-mode
 * channel per oslo connection. Each new connection starts at a node drawn from `rng` (oslo
 * `random.shuffle`s its host list per connection; a seeded stream keeps runs reproducible) and
 * takes the first running node from there (kombu_failover_strategy round-robin). A fixed
 * rotation would alias: every process opens its listener, SEND and reply connections in the same
 * order, so with three nodes all reply queues would land on one node.
 */
export class AmqpTransport implements Transport {
  private turn = 0;
  /** The payload being published right now (set during channel.publish, for traces). */
  publishing: RpcPayload | null = null;

  constructor(
    readonly broker: Broker,
    private readonly options: AmqpTransportOptions = {},
  ) {}

  connect(name: string, onLost: (reason: string) => void): TransportConnection {
    const nodes = this.broker.runtime.nodes;
    let node = nodes[0];
    if (this.options.rng !== undefined) this.turn = Math.floor(this.options.rng.next() * nodes.length);
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[(this.turn + i) % nodes.length]!;
      if (this.broker.runtime.isUp(n)) {
        node = n;
        this.turn = (this.turn + i + 1) % nodes.length;
        break;
      }
    }
    const conn = this.broker.connect({
      name,
      ...(this.options.vhost !== undefined ? { vhost: this.options.vhost } : {}),
      ...(node !== undefined ? { node } : {}),
    });
    return new AmqpRpcConnection(this, conn, onLost);
  }

  marker(kind: string, label: string): void {
    const s = this.broker.signals.marker;
    if (s.active) s.emit({ time: this.broker.sim.now, kind, label });
  }
}

interface Wrapped extends TransportDelivery {
  readonly delivery: Delivery;
  readonly channel: Channel;
}

const NO_ARGS: FieldTable = {};

class AmqpRpcConnection implements TransportConnection {
  private ch: Channel;
  private closedByUs = false;
  private lost = false;
  private consumers = 0;
  private readonly tags = new Map<string, string>();
  /** Payloads of mandatory publishes that came back with basic.return, until their confirm. */
  private readonly returned = new Set<RpcPayload>();

  constructor(
    private readonly transport: AmqpTransport,
    private readonly conn: Connection,
    private readonly onLost: (reason: string) => void,
  ) {
    this.ch = this.openChannel();
    conn.on("close", (info) => {
      if (this.closedByUs || this.lost) return;
      this.lost = true;
      this.onLost(info.text);
    });
  }

  get name(): string {
    return this.conn.name;
  }

  get open(): boolean {
    return !this.lost && !this.closedByUs && this.conn.clientOpen;
  }

  private openChannel(): Channel {
    const ch = this.conn.createChannel();
    ch.confirmSelect();
    ch.on("return", (m) => {
      this.returned.add(m.body as RpcPayload);
    });
    ch.on("close", () => {
      if (!this.conn.clientOpen || this.closedByUs || this.lost) return;
      if (this.consumers > 0) {
        // A channel error cancelled this connection's consumers: oslo's ensure() reconnects
        // and redeclares everything, so the connection counts as lost.
        this.dropAndReport("channel closed");
        return;
      }
      // A SEND connection: kombu opens a new channel and carries on.
      this.ch = this.openChannel();
    });
    return ch;
  }

  private dropAndReport(reason: string): void {
    this.lost = true;
    if (this.conn.clientOpen) this.conn.close();
    this.onLost(reason);
  }

  private usable(done: Done): boolean {
    if (this.open && this.ch.clientOpen) return true;
    this.conn.broker.sim.schedule(0, () => done("connection closed"));
    return false;
  }

  private cb(done: Done): (err: AmqpError | null) => void {
    return (err) => done(err === null ? null : err.text);
  }

  declareExchange(name: string, type: "topic" | "fanout" | "direct", o: ExchangeOptions, done: Done): void {
    if (!this.usable(done)) return;
    this.ch.assertExchange(name, type, { durable: o.durable, autoDelete: o.autoDelete }, this.cb(done));
  }

  declareQueue(name: string, o: QueueOptions, done: Done): void {
    if (!this.usable(done)) return;
    this.ch.assertQueue(
      name,
      { durable: o.durable, autoDelete: o.autoDelete, exclusive: o.exclusive, arguments: { ...o.arguments } },
      this.cb(done),
    );
  }

  bindQueue(queue: string, exchange: string, key: string, done: Done): void {
    if (!this.usable(done)) return;
    this.ch.bindQueue(queue, exchange, key, NO_ARGS, this.cb(done));
  }

  deleteQueue(name: string, done: Done): void {
    if (!this.usable(done)) return;
    this.ch.deleteQueue(name, {}, this.cb(done));
  }

  consume(queue: string, prefetch: number, onMessage: (d: TransportDelivery) => void, done: Done): void {
    if (!this.usable(done)) return;
    const ch = this.ch;
    if (prefetch > 0) ch.prefetch(prefetch, false);
    this.consumers++;
    const tag = ch.consume(
      queue,
      (d) => {
        if (d === null) {
          // consumer_cancel_notify (queue deleted, its node down): kombu raises ConsumerCancelled
          // and oslo's ensure() reconnects and redeclares everything.
          if (!this.lost && !this.closedByUs && this.tags.get(queue) === tag)
            this.dropAndReport("consumer cancelled by the broker");
          return;
        }
        const w: Wrapped = {
          payload: d.body as RpcPayload,
          enqueuedAt: -1,
          redelivered: d.fields.redelivered,
          delivery: d,
          channel: ch,
        };
        onMessage(w);
      },
      {},
      this.cb(done),
    );
    this.tags.set(queue, tag);
  }

  cancel(queue: string, done: Done): void {
    const tag = this.tags.get(queue);
    if (tag === undefined || !this.usable(done)) return;
    this.tags.delete(queue);
    this.consumers--;
    this.ch.cancel(tag, this.cb(done));
  }

  ack(d: TransportDelivery): void {
    const w = d as Wrapped;
    if (w.channel.clientOpen) w.channel.ack(w.delivery);
  }

  publish(
    exchange: string,
    routingKey: string,
    message: TransportMessage,
    o: { readonly mandatory: boolean; readonly expiration?: Nanoseconds },
    done: (outcome: PublishOutcome) => void,
  ): void {
    const sim = this.conn.broker.sim;
    if (!this.open || !this.ch.clientOpen) {
      sim.schedule(0, () => done("closed"));
      return;
    }
    const payload = message.payload;
    const options =
      o.expiration !== undefined
        ? { mandatory: o.mandatory, expiration: String(Math.max(0, Math.round(o.expiration / 1e6))) }
        : { mandatory: o.mandatory };
    this.transport.publishing = payload;
    this.ch.publish(exchange, routingKey, { bytes: message.bytes, body: payload }, options, (err) => {
      const wasReturned = this.returned.delete(payload);
      if (err === null) done(wasReturned ? "returned" : "ok");
      else if (err instanceof AmqpError && err.code === REPLY.NOT_FOUND) {
        // Publishing to a missing exchange (a pre-Train reply exchange that expired) closes the
        // channel with 404; oslo treats it like a missing reply queue and retries.
        done("returned");
      } else if (err instanceof AmqpError && err.code === REPLY.PRECONDITION_FAILED && this.ch.clientOpen) {
        done("nacked");
      } else done("closed");
    });
    this.transport.publishing = null;
  }

  close(): void {
    if (this.closedByUs || this.lost) return;
    this.closedByUs = true;
    if (this.conn.clientOpen) this.conn.close();
  }
}
