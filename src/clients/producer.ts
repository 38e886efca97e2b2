import type { Channel, Delivery } from "../amqp/channel.js";
import type { Connection } from "../amqp/connection.js";
import type { FieldTable, MessageProperties } from "../amqp/message.js";
import type { ReconnectPolicy } from "../cluster/reconnect.js";
import type { Distribution } from "../engine/distributions.js";
import type { RandomStream } from "../engine/random.js";
import { type Nanoseconds, NS_PER_MS } from "../engine/time.js";
import type { ClientContext } from "./context.js";
import { watchHeartbeats } from "./heartbeat.js";
import { ArrivalClock, type Arrivals, type RateShape } from "./rate-profile.js";
import { Reconnector } from "./reconnector.js";
import { type KeySource, RoutingKeys } from "./routing-key.js";
import { type Declaration, declareAll } from "./topology.js";

/** One producer group as the scenario resolved it (units already in ns / per second / bytes). */
export interface ProducerConfig {
  readonly name: string;
  readonly count: number;
  readonly vhost: string;
  readonly exchange: string;
  readonly keys: KeySource;
  readonly shape: RateShape;
  readonly arrivals: Arrivals;
  /** Messages per instance; undefined = until stop. */
  readonly messages?: number | undefined;
  readonly size: Distribution;
  readonly headers?: FieldTable | undefined;
  readonly persistent: boolean;
  /** A fixed priority or a number distribution (rounded, clamped to 0..255). */
  readonly priority?: number | Distribution | undefined;
  readonly expiration?: Nanoseconds | undefined;
  readonly mandatory: boolean;
  /** false: no confirms; true: confirms, no window; n: at most n unconfirmed in flight. */
  readonly confirms: boolean | number;
  /** Publish this many, then wait until all are confirmed. */
  readonly batch?: number | undefined;
  /** Request / reply: wait for each reply (or the timeout) before the next request. */
  readonly rpc?: { readonly timeout: Nanoseconds } | undefined;
  /** Reconnect after a drop; undefined = stay disconnected (and stop publishing). */
  readonly reconnect?: ReconnectPolicy | undefined;
  /**
   * While reconnecting, keep up to this many due messages and publish them, oldest first, once
   * connected again; further ones fail (dropped, counted in stats.skipped). 0 or undefined: every
   * publish while disconnected fails, as with amqplib (the channel is closed).
   */
  readonly buffer?: number | undefined;
  /**
   * What the producer redeclares after reconnecting, before it publishes again (its exchange,
   * the bindings from it and the queues they lead to); the first connection finds them declared.
   */
  readonly topology?: readonly Declaration[] | undefined;
  /**
   * Negotiated heartbeat timeout, ns: how long the client takes to notice a node that died
   * without resetting its sockets (src/clients/heartbeat.ts); undefined = not watched.
   */
  readonly heartbeat?: Nanoseconds | undefined;
  readonly start: Nanoseconds;
  readonly stop?: Nanoseconds | undefined;
}

/** Connection name of instance i: the group name alone when there is one instance. */
export const instanceName = (name: string, count: number, i: number): string =>
  count === 1 ? name : `${name}-${i}`;

/**
 * A publishing client as an explicit state machine (one event per message, no closure per
 * event): connect at `start`, publish on the arrival clock until `stop`, the run's end or
 * `messages`; with confirms, hold new publishes while the window (or the batch) is full; in RPC
 * mode, hold until the reply or the timeout. With a reconnect policy, a drop fails the
 * outstanding confirms (counted as nacked, as amqplib rejects them when the channel closes); the
 * producer reconnects with back-off, redeclares its topology, publishes what it buffered and
 * goes on. Draws: `producer/<name>/<i>/{arrivals,size,key,priority,reconnect}`.
 */
export class Producer {
  readonly name: string;
  private ch: Channel | undefined;
  private conn: Connection | undefined;
  private readonly clock: ArrivalClock;
  private readonly keys: RoutingKeys;
  private readonly sizeRng: RandomStream;
  private readonly priorityRng: RandomStream;
  private readonly stopAt: Nanoseconds;
  private seq = 0;
  private outstanding = 0;
  private inBatch = 0;
  private blocked = false;
  private done = false;
  /** When the producer connected: arrival times count from here. */
  private t0: Nanoseconds = 0;
  private replyQueue = "";
  private awaiting: { correlationId: string; timer: number } | undefined;
  /** Published, confirmed (ack), nacked, replies received, requests timed out. */
  readonly stats = {
    published: 0,
    acked: 0,
    nacked: 0,
    replies: 0,
    timeouts: 0,
    /** Arrivals that were never published (disconnected without buffer room, or a dead channel). */
    skipped: 0,
    /** Arrivals kept while disconnected (published after the reconnect unless the run ended). */
    buffered: 0,
    /** Successful reconnects. */
    reconnects: 0,
  };
  /** Arrivals due while disconnected, to publish once connected (at most cfg.buffer). */
  private owed = 0;
  private readonly reconnector: Reconnector | undefined;
  /** Incremented on every (re)connect and drop, so callbacks of a dead channel are ignored. */
  private epoch = 0;
  private started = false;
  /** Connected and ready to publish (for RPC: reply queue consumed). */
  private connected = false;
  /** Round-trip times of answered requests, ns (RPC mode). */
  readonly roundTrips: number[] = [];
  /** Called once when the producer has finished publishing (messages / stop / end / error). */
  onFinished: (() => void) | undefined;

  constructor(
    private readonly ctx: ClientContext,
    private readonly cfg: ProducerConfig,
    instance: number,
  ) {
    this.name = instanceName(cfg.name, cfg.count, instance);
    const base = `producer/${cfg.name}/${instance}`;
    this.clock = new ArrivalClock(cfg.shape, cfg.arrivals, ctx.streams.stream(`${base}/arrivals`));
    this.keys = new RoutingKeys(cfg.keys, instance, ctx.streams.stream(`${base}/key`));
    this.sizeRng = ctx.streams.stream(`${base}/size`);
    this.priorityRng = ctx.streams.stream(`${base}/priority`);
    this.stopAt = Math.min(cfg.stop ?? ctx.end, ctx.end);
    this.reconnector =
      cfg.reconnect && new Reconnector(ctx, cfg.reconnect, ctx.streams.stream(`${base}/reconnect`));
  }

  /** The scenario's producer group name. */
  get group(): string {
    return this.cfg.name;
  }

  /** Whether this producer sends requests and waits for replies. */
  get isRpc(): boolean {
    return this.cfg.rpc !== undefined;
  }

  get finished(): boolean {
    return this.done;
  }

  /** Schedules the connection at the configured start (not before `earliest`). */
  schedule(earliest: Nanoseconds): void {
    const at = Math.max(earliest, this.cfg.start);
    if (at >= this.stopAt) {
      this.finish();
      return;
    }
    this.ctx.sim.scheduleAt(at, startProducer, this);
  }

  /** @internal the start event (no node: the default one), and each reconnect (to `node`) */
  begin(node?: string): void {
    const cfg = this.cfg;
    const conn = this.ctx.broker.connect(
      node === undefined
        ? { name: this.name, vhost: cfg.vhost }
        : { name: this.name, vhost: cfg.vhost, node },
    );
    this.conn = conn;
    if (cfg.heartbeat !== undefined) watchHeartbeats(this.ctx.sim, conn, cfg.heartbeat);
    const epoch = ++this.epoch;
    const ch = conn.createChannel();
    this.ch = ch;
    ch.on("close", () => {
      if (epoch !== this.epoch) return;
      this.closed(conn.node);
      // the broker closed only the channel (a declaration refused): start over on a new connection
      if (this.reconnector && conn.clientOpen) conn.close();
    });
    if (cfg.confirms !== false) ch.confirmSelect();
    const first = !this.started;
    if (first) {
      this.started = true;
      this.t0 = this.ctx.sim.now; // arrival times count from the first connection
    }
    const ready = () => {
      this.connected = true;
      this.reconnector?.succeeded();
      if (first)
        this.scheduleNext(); // after a reconnect the arrival chain is still running
      else {
        this.stats.reconnects++;
        this.flush();
      }
    };
    const afterTopology = () => {
      if (!cfg.rpc) {
        ready();
        return;
      }
      // the reply queue: exclusive to this connection and consumed without acks, as RabbitMQ's
      // direct reply-to behaves; named after the client so names are stable across runs. If it
      // cannot be declared the channel closes, and closed() decides what happens next.
      ch.assertQueue(`reply.${this.name}`, { exclusive: true, autoDelete: true }, (err, ok) => {
        if (err) return;
        this.replyQueue = ok.queue;
        ch.consume(
          ok.queue,
          (d) => this.onReply(d),
          { noAck: true },
          (e) => {
            if (e === null && epoch === this.epoch) ready();
          },
        );
      });
    };
    if (!first && cfg.topology !== undefined && cfg.topology.length > 0) {
      // an error closes the channel and the close handler above takes over
      declareAll(ch, cfg.topology, (err) => {
        if (err === null && epoch === this.epoch) afterTopology();
      });
    } else {
      afterTopology();
    }
  }

  /** Publish what was kept while disconnected, oldest first, as far as the confirm window allows. */
  private flush(): void {
    while (this.owed > 0 && this.connected && this.ch?.clientOpen && this.ctx.sim.now < this.stopAt) {
      if (this.mustWait()) return; // release() comes back here on the next confirm
      this.owed--;
      this.publishOne();
    }
  }

  /** The channel or connection closed under us: give up, or reconnect by policy. */
  private closed(node: string): void {
    this.connected = false;
    this.epoch++; // late confirms and replies of the dead channel are ignored
    this.outstanding = 0;
    this.inBatch = 0;
    if (this.awaiting) {
      this.ctx.sim.cancel(this.awaiting.timer);
      this.awaiting = undefined;
    }
    if (!this.reconnector || this.done) {
      this.finish();
      return;
    }
    this.reconnector.schedule(node, this.stopAt, (n) => this.begin(n));
    if (this.blocked) {
      // the arrival chain was waiting for a confirm / reply that will never come: restart it
      this.blocked = false;
      this.stats.skipped++;
      this.scheduleNext();
    }
  }

  private scheduleNext(): void {
    if (this.done) return;
    if (this.cfg.messages !== undefined && this.seq + this.owed >= this.cfg.messages) {
      this.finish();
      return;
    }
    const rel = this.clock.next();
    const at = Math.max(this.t0 + rel, this.ctx.sim.now);
    if (!Number.isFinite(rel) || at >= this.stopAt) {
      this.finish();
      return;
    }
    this.ctx.sim.scheduleAt(at, fireProducer, this);
  }

  /** @internal an arrival */
  fire(): void {
    if (this.done) return;
    if (!this.connected) {
      // disconnected (reconnecting): kept if the buffer has room, else the publish fails and
      // the message is dropped
      if (this.owed < (this.cfg.buffer ?? 0)) {
        this.owed++;
        this.stats.buffered++;
      } else {
        this.stats.skipped++;
      }
      this.scheduleNext();
      return;
    }
    if (this.owed > 0) this.flush(); // kept messages go first
    if (this.owed > 0 || this.mustWait()) {
      this.blocked = true;
      return;
    }
    this.publishOne();
    this.scheduleNext();
  }

  private mustWait(): boolean {
    const cfg = this.cfg;
    if (cfg.rpc) return this.awaiting !== undefined;
    if (typeof cfg.confirms === "number" && this.outstanding >= cfg.confirms) return true;
    if (cfg.batch !== undefined && this.inBatch >= cfg.batch) return true;
    return false;
  }

  private release(): void {
    if (this.owed > 0) {
      this.flush();
      if (this.owed > 0) return; // the window is full again
    }
    if (this.blocked && !this.mustWait() && !this.done) {
      this.blocked = false;
      if (this.ctx.sim.now >= this.stopAt) {
        this.finish();
        return;
      }
      this.publishOne();
      this.scheduleNext();
    }
  }

  private publishOne(): void {
    const ch = this.ch;
    if (!ch?.clientOpen) {
      this.stats.skipped++; // the channel died under a pending publish; closed() runs on its close event
      return;
    }
    const cfg = this.cfg;
    const seq = this.seq++;
    const bytes = Math.max(0, Math.round(cfg.size.sample(this.sizeRng)));
    let props: MessageProperties & { mandatory?: boolean; persistent?: boolean } = {
      mandatory: cfg.mandatory,
      persistent: cfg.persistent,
      appId: cfg.name, // lets consumers attribute latency to the producing group
    };
    if (cfg.headers) props = { ...props, headers: cfg.headers };
    if (cfg.priority !== undefined) {
      const p = typeof cfg.priority === "number" ? cfg.priority : cfg.priority.sample(this.priorityRng);
      props = { ...props, priority: Math.min(255, Math.max(0, Math.round(p))) };
    }
    if (cfg.expiration !== undefined)
      props = { ...props, expiration: String(Math.round(cfg.expiration / NS_PER_MS)) };
    if (cfg.rpc) {
      const correlationId = `${this.name}-${seq}`;
      props = { ...props, replyTo: this.replyQueue, correlationId };
      const timer = this.ctx.sim.schedule(cfg.rpc.timeout, rpcTimeout, this);
      this.awaiting = { correlationId, timer };
      this.requestSentAt = this.ctx.sim.now;
    }
    const key = this.keys.next(seq);
    this.stats.published++;
    if (cfg.confirms !== false) {
      this.outstanding++;
      this.inBatch++;
      const epoch = this.epoch;
      ch.publish(cfg.exchange, key, { bytes }, props, (err) => {
        if (epoch === this.epoch) this.onConfirm(err === null);
      });
    } else {
      ch.publish(cfg.exchange, key, { bytes }, props);
    }
  }

  private requestSentAt: Nanoseconds = 0;

  private onConfirm(ack: boolean): void {
    this.outstanding--;
    if (ack) this.stats.acked++;
    else this.stats.nacked++;
    if (this.cfg.batch !== undefined && this.outstanding === 0) this.inBatch = 0;
    this.release();
  }

  private onReply(d: Delivery | null): void {
    if (d === null || this.awaiting === undefined) return;
    if (d.properties.correlationId !== this.awaiting.correlationId) return; // a late reply to a timed-out request
    this.ctx.sim.cancel(this.awaiting.timer);
    this.awaiting = undefined;
    this.stats.replies++;
    this.roundTrips.push(this.ctx.sim.now - this.requestSentAt);
    this.release();
  }

  /** @internal */
  timedOut(): void {
    if (this.awaiting === undefined) return;
    this.awaiting = undefined;
    this.stats.timeouts++;
    this.release();
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.onFinished?.();
  }

  /** The connection, for tests and the run's end. */
  get connection(): Connection | undefined {
    return this.conn;
  }
}

function startProducer(p: Producer): void {
  p.begin();
}
function fireProducer(p: Producer): void {
  p.fire();
}
function rpcTimeout(p: Producer): void {
  p.timedOut();
}
