import type { Channel, Delivery } from "../amqp/channel.js";
import type { Connection } from "../amqp/connection.js";
import type { ReconnectPolicy } from "../cluster/reconnect.js";
import type { Distribution } from "../engine/distributions.js";
import type { RandomStream } from "../engine/random.js";
import type { Nanoseconds } from "../engine/time.js";
import type { ClientContext } from "./context.js";
import { watchHeartbeats } from "./heartbeat.js";
import { instanceName } from "./producer.js";
import { Reconnector } from "./reconnector.js";
import { type Declaration, declareAll } from "./topology.js";

/** One consumer group as the scenario resolved it. */
export interface ConsumerConfig {
  readonly name: string;
  readonly count: number;
  readonly vhost: string;
  readonly queue: string;
  /** basic.qos prefetch count; 0 = unlimited. */
  readonly prefetch: number;
  readonly autoAck: boolean;
  /** Processing time per message, ns. */
  readonly processing: Distribution;
  readonly nack?: { readonly probability: number; readonly requeue: boolean } | undefined;
  readonly reject?: { readonly probability: number; readonly requeue: boolean } | undefined;
  readonly crash?: { readonly probability: number; readonly restartAfter: Nanoseconds } | undefined;
  readonly priority?: number | undefined;
  readonly exclusive: boolean;
  /** Publish a reply (same size) to each message's reply-to after processing. */
  readonly reply: boolean;
  /** Reconnect after a drop; undefined = stay disconnected. */
  readonly reconnect?: ReconnectPolicy | undefined;
  /**
   * What the consumer redeclares after reconnecting, before it consumes again (its queue, the
   * bindings into it and their source exchanges); the first connection finds them declared.
   */
  readonly topology?: readonly Declaration[] | undefined;
  /** Negotiated heartbeat timeout, ns (src/clients/heartbeat.ts); undefined = not watched. */
  readonly heartbeat?: Nanoseconds | undefined;
  readonly start: Nanoseconds;
  readonly stop?: Nanoseconds | undefined;
}

/**
 * A consuming client as an explicit state machine: one handler, so deliveries wait client-side
 * (up to the prefetch window) while it processes one at a time, as a single-threaded amqplib
 * consumer does. After processing, one draw decides crash / nack / reject / ack; a crash drops the
 * connection without a close handshake (the broker requeues its unacked messages, marked
 * redelivered) and the consumer reconnects after `restartAfter`. With a reconnect policy, a
 * connection that drops (node crash, pause, killed), a channel the broker closes (consuming from
 * a queue that is gone) and a basic.cancel from the broker (its queue deleted or its node down)
 * all end the same way: reconnect with back-off, redeclare the topology, qos, consume again.
 * Draws: `consumer/<name>/<i>/processing` and `.../outcome`.
 */
export class SimConsumer {
  readonly name: string;
  private conn: Connection | undefined;
  private ch: Channel | undefined;
  /** Deliveries waiting for the handler: buffer[head..] (a no-ack consumer's can grow large, so no O(n) shift). */
  private buffer: Delivery[] = [];
  private head = 0;
  private busy = false;
  /** Incremented on every (re)connect so callbacks of a dead connection are ignored. */
  private epoch = 0;
  private stopped = false;
  private readonly processingRng: RandomStream;
  private readonly outcomeRng: RandomStream;
  private readonly stopAt: Nanoseconds;
  private current: Delivery | undefined;
  readonly stats = { delivered: 0, acked: 0, nacked: 0, rejected: 0, crashes: 0, replies: 0 };
  private readonly reconnector: Reconnector | undefined;

  constructor(
    private readonly ctx: ClientContext,
    private readonly cfg: ConsumerConfig,
    instance: number,
  ) {
    this.name = instanceName(cfg.name, cfg.count, instance);
    const base = `consumer/${cfg.name}/${instance}`;
    this.processingRng = ctx.streams.stream(`${base}/processing`);
    this.outcomeRng = ctx.streams.stream(`${base}/outcome`);
    this.stopAt = Math.min(cfg.stop ?? ctx.end, ctx.end);
    this.reconnector =
      cfg.reconnect && new Reconnector(ctx, cfg.reconnect, ctx.streams.stream(`${base}/reconnect`));
  }

  schedule(earliest: Nanoseconds): void {
    const at = Math.max(earliest, this.cfg.start);
    if (at >= this.stopAt) return;
    this.ctx.sim.scheduleAt(at, connectConsumer, this);
    if (this.stopAt < this.ctx.end) this.ctx.sim.scheduleAt(this.stopAt, stopConsumer, this);
  }

  /**
   * @internal connect (to `node`, default the first node), qos, consume; after a drop
   * (`redeclare`) declare the topology first, as recovering clients do.
   */
  connect(node?: string, redeclare = false): void {
    if (this.stopped) return;
    const cfg = this.cfg;
    const epoch = ++this.epoch;
    const conn = this.ctx.broker.connect(
      node === undefined
        ? { name: this.name, vhost: cfg.vhost }
        : { name: this.name, vhost: cfg.vhost, node },
    );
    this.conn = conn;
    if (cfg.heartbeat !== undefined) watchHeartbeats(this.ctx.sim, conn, cfg.heartbeat);
    // a drop we did not cause (node crash, pause, killed connection): reconnect by policy
    conn.on("close", () => {
      if (epoch === this.epoch && !this.stopped) this.lost(conn.node);
    });
    const ch = conn.createChannel();
    this.ch = ch;
    // the broker closed the channel alone (e.g. 404 consuming from a queue that is gone): with a
    // policy, drop the connection and start over; without one the consumer stays idle, as an
    // amqplib application without an error handler does
    ch.on("close", () => {
      if (epoch === this.epoch && !this.stopped && conn.clientOpen) this.restart(conn);
    });
    if (cfg.prefetch > 0) ch.prefetch(cfg.prefetch);
    const opts: { noAck: boolean; exclusive: boolean; priority?: number } = {
      noAck: cfg.autoAck,
      exclusive: cfg.exclusive,
    };
    if (cfg.priority !== undefined) opts.priority = cfg.priority;
    const consume = (): void => {
      ch.consume(
        cfg.queue,
        (d) => {
          if (epoch !== this.epoch) return;
          if (d === null) {
            // basic.cancel from the broker: its queue was deleted or its node went down
            if (this.reconnector && !this.stopped && conn.clientOpen) this.restart(conn);
            return;
          }
          this.onDelivery(d);
        },
        opts,
        (err) => {
          if (err === null) this.reconnector?.succeeded();
        },
      );
    };
    if (redeclare && cfg.topology !== undefined && cfg.topology.length > 0) {
      // an error closes the channel: the close handler above takes over
      declareAll(ch, cfg.topology, (err) => {
        if (err === null && epoch === this.epoch) consume();
      });
    } else {
      consume();
    }
    this.report(0);
  }

  /** Give up this connection (closing it) and reconnect by policy, as after a drop. */
  private restart(conn: Connection): void {
    if (!this.reconnector) return;
    this.lost(conn.node);
    if (conn.clientOpen) conn.close();
  }

  private onDelivery(d: Delivery): void {
    this.stats.delivered++;
    this.buffer.push(d);
    if (!this.busy) this.next();
  }

  private next(): void {
    const d = this.head < this.buffer.length ? this.buffer[this.head++] : undefined;
    if (this.head > 1024 && this.head * 2 > this.buffer.length) {
      this.buffer = this.buffer.slice(this.head);
      this.head = 0;
    }
    if (d === undefined) {
      if (this.busy) {
        this.busy = false;
        this.report(0);
      }
      return;
    }
    if (!this.busy) {
      this.busy = true;
      this.report(1);
    }
    this.current = d;
    this.ctx.onHandlerStart?.(this.cfg.name, d.properties.appId ?? "", this.ctx.sim.now - d.publishedAt);
    const t = Math.max(0, Math.round(this.cfg.processing.sample(this.processingRng)));
    this.ctx.sim.schedule(t, processed, { consumer: this, epoch: this.epoch });
  }

  /** @internal processing of the current message is over */
  processed(epoch: number): void {
    if (epoch !== this.epoch || this.stopped) return;
    const d = this.current!;
    this.current = undefined;
    const ch = this.ch!;
    const cfg = this.cfg;
    let u = cfg.crash || cfg.nack || cfg.reject ? this.outcomeRng.next() : 1;
    if (cfg.crash && u < cfg.crash.probability) {
      this.crash();
      return;
    }
    u -= cfg.crash?.probability ?? 0;
    if (!ch.clientOpen) {
      this.next();
      return;
    }
    if (cfg.reply && d.properties.replyTo) {
      const props =
        d.properties.correlationId === undefined ? {} : { correlationId: d.properties.correlationId };
      ch.publish("", d.properties.replyTo, { bytes: d.bytes }, props);
      this.stats.replies++;
    }
    if (!cfg.autoAck) {
      if (cfg.nack && u < cfg.nack.probability) {
        ch.nack(d, false, cfg.nack.requeue);
        this.stats.nacked++;
      } else if (cfg.reject && u - (cfg.nack?.probability ?? 0) < cfg.reject.probability) {
        ch.reject(d, cfg.reject.requeue);
        this.stats.rejected++;
      } else {
        ch.ack(d);
        this.stats.acked++;
      }
    }
    this.next();
  }

  private lost(node: string): void {
    this.epoch++;
    this.buffer = [];
    this.head = 0;
    this.current = undefined;
    if (this.busy) {
      this.busy = false;
      this.report(0);
    }
    this.reconnector?.schedule(node, this.stopAt, (n) => this.connect(n, true));
  }

  private crash(): void {
    this.stats.crashes++;
    this.epoch++;
    this.buffer = [];
    this.head = 0;
    this.busy = false;
    this.report(0);
    const sig = this.ctx.broker.signals.marker;
    if (sig.active)
      sig.emit({ time: this.ctx.sim.now, kind: "consumer-crash", label: `${this.name} crashed` });
    this.conn?.lose("consumer crashed");
    const restart = this.ctx.sim.now + this.cfg.crash!.restartAfter;
    if (restart < this.stopAt) this.ctx.sim.scheduleAt(restart, connectConsumer, this);
  }

  /** @internal the configured stop time */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.epoch++;
    this.buffer = [];
    this.head = 0;
    if (this.busy) {
      this.busy = false;
      this.report(0);
    }
    if (this.conn?.clientOpen) this.conn.close();
  }

  private report(busy: number): void {
    const sig = this.ctx.activity;
    if (sig?.active) {
      sig.emit({ time: this.ctx.sim.now, group: this.cfg.name, instance: this.name, busy, capacity: 1 });
    }
  }
}

function connectConsumer(c: SimConsumer): void {
  c.connect();
}
function stopConsumer(c: SimConsumer): void {
  c.stop();
}
function processed(a: { consumer: SimConsumer; epoch: number }): void {
  a.consumer.processed(a.epoch);
}
