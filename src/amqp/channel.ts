import type { OpSize, ProcessRef } from "../cluster/runtime.js";
import type { Nanoseconds } from "../engine/time.js";
import { canonical, makeBinding } from "./binding.js";
import type { TransitRecord } from "./broker.js";
import type { CloseInfo, Connection } from "./connection.js";
import { Consumer } from "./consumer.js";
import { Emitter } from "./emitter.js";
import {
  AmqpError,
  IllegalOperationError,
  inequivalent,
  isConnectionError,
  locked,
  notFound,
  REPLY,
} from "./errors.js";
import { EXCHANGE_TYPES, Exchange, type ExchangeOptions } from "./exchange.js";
import { DefaultRouter } from "./exchanges/default.js";
import type { LossCause } from "./fate.js";
import type { Content, FieldTable, Message, MessageProperties, QueuedMessage } from "./message.js";
import type { Queue, QueueOptions } from "./queue.js";
import { parseQueueArgs } from "./queue-args.js";
import { atLeast } from "./version.js";
import type { VHost } from "./vhost.js";

/** amqplib-style publish options; they override `content.properties`. */
export interface PublishOptions extends MessageProperties {
  readonly mandatory?: boolean;
  readonly persistent?: boolean;
  readonly CC?: string | readonly string[];
  readonly BCC?: string | readonly string[];
  /** Per-message TTL in ms (string as on the wire, or a number). */
  readonly expiration?: string;
}

export interface ConsumeOptions {
  readonly consumerTag?: string;
  readonly noAck?: boolean;
  readonly exclusive?: boolean;
  /** x-priority (docs/consumer-priority.md). */
  readonly priority?: number;
  readonly arguments?: FieldTable;
}

/** A message as a consumer (or basic.get) receives it; amqplib's shape with `bytes` for `content`. */
export interface Delivery {
  readonly fields: {
    readonly deliveryTag: number;
    readonly redelivered: boolean;
    readonly exchange: string;
    readonly routingKey: string;
    readonly consumerTag?: string;
    /** basic.get-ok: messages left in the queue. */
    readonly messageCount?: number;
  };
  readonly properties: MessageProperties;
  readonly bytes: number;
  readonly body: unknown;
  /** Simulator message id (same for every copy of one publish). */
  readonly msgId: number;
  readonly publishedAt: Nanoseconds;
}

/** basic.return: a mandatory message that could not be routed. */
export interface ReturnedMessage {
  readonly fields: {
    readonly replyCode: number;
    readonly replyText: string;
    readonly exchange: string;
    readonly routingKey: string;
  };
  readonly properties: MessageProperties;
  readonly bytes: number;
  readonly body: unknown;
  readonly msgId: number;
}

export type Callback<T> = (err: AmqpError | null, ok: T) => void;
export type ConfirmCallback = (err: AmqpError | null) => void;

export interface AssertQueueOk {
  readonly queue: string;
  readonly messageCount: number;
  readonly consumerCount: number;
}

type ChannelEvents = {
  close: (info: CloseInfo) => void;
  error: (err: AmqpError) => void;
  return: (msg: ReturnedMessage) => void;
  /** Publisher confirm ack (seq = publish sequence number from 1). */
  ack: (seq: number, multiple: boolean) => void;
  nack: (seq: number, multiple: boolean) => void;
  /** The broker cancelled a consumer (queue deleted): consumer_cancel_notify. */
  cancel: (consumerTag: string) => void;
};

/** An unacked delivery, broker side. */
interface Pending {
  readonly tag: number;
  readonly qm: QueuedMessage;
  readonly queue: Queue;
  readonly consumer: Consumer | undefined;
  /** When the broker sent it (the delivery acknowledgement timeout counts from here). */
  readonly at: Nanoseconds;
  /** The channel and the client-facing delivery: this object is also the send action's argument. */
  readonly ch: Channel;
  readonly d: Delivery | undefined;
  /**
   * How the client settled it (SETTLE_* | SETTLE_REQUEUE) while that settlement is on its way to
   * the queue process; NOT_SETTLING otherwise.
   */
  settleAs: number;
  /**
   * The queue's node went down with the message unacked here (ORPHAN_*). The tag stays valid, but
   * settling it reaches no queue process (rabbit_channel settles to a process that is gone).
   */
  orphaned: number;
}

const NOT_ORPHANED = 0;
/** The queue took the copy back (on disk: it returns, redelivered, on restart). */
const ORPHAN_RETURNED = 1;
/**
 * The copy will not come back (transient queue or message): its fate is the consumer's to decide
 * here: acked if acked, lost (node-crash) if returned or its channel closes first.
 */
const ORPHAN_HELD = 2;

/** Whether the queue no longer holds this delivery (deleted, or its node went down). */
function gone(p: Pending): boolean {
  return p.orphaned !== NOT_ORPHANED || p.queue.deleted;
}

/** Settlement kinds carried from the channel process to the queue process. */
const SETTLE_ACK = 0;
const SETTLE_NACK = 1;
const SETTLE_REJECT = 2;
/** Added to the kind when the client asked for requeue. */
const SETTLE_REQUEUE = 4;
/** No settlement of the delivery is on its way to the queue. */
const NOT_SETTLING = -1;
const SETTLE_KINDS = ["ack", "nack", "reject"] as const;
/** Several deliveries of one (queue, consumer) settled by one multiple ack / nack. */
interface SettleGroup {
  readonly ch: Channel;
  readonly list: Pending[];
  readonly settleAs: number;
  /** The last group of its ack frame, and whether the frame released consumer (prefetch) credit. */
  readonly lastReleasing: boolean;
}
/** OpSize of a single settlement (count defaults to 1). */
const ONE_MESSAGE: OpSize = {};

interface PublishRecord {
  readonly ch: Channel;
  readonly msg: Message;
  readonly seq: number;
  readonly mandatory: boolean;
  /** null until routed; then the queues whose acceptance is awaited (null entries done). */
  targets: (Queue | null)[] | null;
  pending: number;
  nacked: boolean;
  /** Intrusive list of copies in transit (Broker.transitAdd): no hashing per publish. */
  prevT: TransitRecord | null;
  nextT: TransitRecord | null;
  /** The record is also the route step's OpSize: body bytes and bindings visited. */
  readonly bytes: number;
  bindings: number;
  /** True while runtime.work("route") is on the stack: the router's result is still current. */
  inline: boolean;
}

const FRAME_BYTES = 64;

/**
 * An AMQP channel: amqplib's method names, callback-based (no Promises: their microtasks would run
 * outside simulated time). Each method's frame travels client → node (runtime.send), runs on the
 * channel's process (runtime.work), and its reply travels back before the callback runs.
 * A channel error closes the channel with RabbitMQ's reply code ("error" then "close" events; the
 * failing method's callback and all pending ones get the error).
 */
export class Channel extends Emitter<ChannelEvents> {
  readonly broker;
  readonly vhost: VHost;
  readonly proc: ProcessRef;
  // broker side
  brokerOpen = true;
  private nextDeliveryTag = 1;
  private readonly unacked = new Map<number, Pending>();
  /**
   * Deliveries the client settled whose queue process has not applied the settlement yet (its
   * `ack` operation is queued, or crossing to the queue's node; a runtime that runs the operation
   * at once never puts them here). If the channel closes or the run ends first they count as
   * unacked; a settlement that arrives after that is ignored (the queue requeued the message when
   * the channel went, as RabbitMQ does on the channel's 'DOWN').
   */
  private readonly settling = new Set<Pending>();
  private readonly consumers = new Map<string, Consumer>();
  private consumerPrefetch = 0;
  private globalPrefetch = 0;
  private globalUnacked = 0;
  private brokerConfirm = false;
  private consumerCounter = 0;
  /** Single-active-consumer queues whose slot this channel holds until it closes. */
  private sacHolds: Queue[] | undefined;
  // client side
  clientOpen = true;
  private clientConfirm = false;
  private publishSeq = 0;
  private readonly confirmCallbacks = new Map<number, ConfirmCallback>();
  private readonly deliveryCallbacks = new Map<string, (msg: Delivery | null) => void>();
  /** Calls sent and not yet answered (by record: one callback may serve several calls). */
  private readonly pendingCallbacks = new Set<CallRecord<unknown>>();

  constructor(
    readonly connection: Connection,
    readonly id: number,
  ) {
    super();
    this.broker = connection.broker;
    this.vhost = connection.vhost;
    this.proc = { node: connection.node, key: `channel:${connection.name}/${id}` };
    // opened by a client that has not yet learnt its connection died: the broker ignores its frames
    if (!connection.brokerOpen) this.brokerOpen = false;
  }

  // =============================================================== client API

  assertExchange(
    name: string,
    type: string,
    options: ExchangeOptions = {},
    cb?: Callback<{ exchange: string }>,
  ): void {
    this.call(() => this.doDeclareExchange(name, type, options, false), cb);
  }

  checkExchange(name: string, cb?: Callback<{ exchange: string }>): void {
    this.call(() => {
      if (!this.vhost.exchanges.has(name)) throw notFound("exchange", name, this.vhost.name);
      return { exchange: name };
    }, cb);
  }

  deleteExchange(
    name: string,
    options: { ifUnused?: boolean } = {},
    cb?: Callback<Record<string, never>>,
  ): void {
    this.call(() => {
      this.checkReserved("exchange", name);
      const x = this.vhost.exchanges.get(name);
      if (!x) return {}; // RabbitMQ 3.10: deleting a missing exchange succeeds
      if (options.ifUnused && x.router.size > 0) {
        throw new AmqpError(
          REPLY.PRECONDITION_FAILED,
          `exchange '${name}' in vhost '${this.vhost.name}' in use`,
        );
      }
      this.broker.deleteExchange(this.vhost, x);
      return {};
    }, cb);
  }

  assertQueue(name: string, options: QueueOptions = {}, cb?: Callback<AssertQueueOk>): void {
    this.call(() => this.doDeclareQueue(name, options), cb);
  }

  checkQueue(name: string, cb?: Callback<AssertQueueOk>): void {
    this.call(() => {
      const q = this.lookupQueue(name);
      q.touch(); // a passive declare renews the x-expires lease too (3.10.8 fixture)
      return { queue: q.name, messageCount: q.messageCount, consumerCount: q.consumerCount };
    }, cb);
  }

  deleteQueue(
    name: string,
    options: { ifUnused?: boolean; ifEmpty?: boolean } = {},
    cb?: Callback<{ messageCount: number }>,
  ): void {
    this.call(() => {
      const q = this.vhost.queues.get(name);
      if (!q) return { messageCount: 0 };
      this.checkOwner(q);
      if (options.ifUnused && q.consumerCount > 0) {
        throw new AmqpError(
          REPLY.PRECONDITION_FAILED,
          `queue '${name}' in vhost '${this.vhost.name}' in use`,
        );
      }
      if (options.ifEmpty && q.messageCount > 0) {
        throw new AmqpError(
          REPLY.PRECONDITION_FAILED,
          `queue '${name}' in vhost '${this.vhost.name}' not empty`,
        );
      }
      const messageCount = q.messageCount;
      this.broker.deleteQueue(q, "queue-deleted");
      return { messageCount };
    }, cb);
  }

  purgeQueue(name: string, cb?: Callback<{ messageCount: number }>): void {
    this.call(() => {
      const q = this.lookupQueue(name);
      const purged = q.drainReady();
      for (const qm of purged) this.broker.recordFate(qm.msg.id, q.key, "lost", "purged");
      return { messageCount: purged.length };
    }, cb);
  }

  bindQueue(
    queue: string,
    source: string,
    pattern: string,
    args: FieldTable = {},
    cb?: Callback<Record<string, never>>,
  ): void {
    this.call(() => {
      const q = this.lookupQueue(queue);
      const x = this.bindableSource(source);
      this.addBinding(x, makeBinding(source, q.name, "queue", pattern, args));
      return {};
    }, cb);
  }

  unbindQueue(
    queue: string,
    source: string,
    pattern: string,
    args: FieldTable = {},
    cb?: Callback<Record<string, never>>,
  ): void {
    this.call(() => {
      const q = this.lookupQueue(queue);
      this.bindableSource(source);
      this.broker.removeBinding(this.vhost, makeBinding(source, q.name, "queue", pattern, args));
      return {};
    }, cb);
  }

  bindExchange(
    destination: string,
    source: string,
    pattern: string,
    args: FieldTable = {},
    cb?: Callback<Record<string, never>>,
  ): void {
    this.call(() => {
      const d = this.vhost.exchanges.get(destination);
      if (!d) throw notFound("exchange", destination, this.vhost.name);
      if (destination === "") throw defaultExchangeRefused();
      const x = this.bindableSource(source);
      this.addBinding(x, makeBinding(source, destination, "exchange", pattern, args));
      return {};
    }, cb);
  }

  unbindExchange(
    destination: string,
    source: string,
    pattern: string,
    args: FieldTable = {},
    cb?: Callback<Record<string, never>>,
  ): void {
    this.call(() => {
      if (!this.vhost.exchanges.has(destination)) throw notFound("exchange", destination, this.vhost.name);
      this.bindableSource(source);
      this.broker.removeBinding(this.vhost, makeBinding(source, destination, "exchange", pattern, args));
      return {};
    }, cb);
  }

  /** confirm.select: from now on every publish gets a sequence number and an ack / nack. */
  confirmSelect(cb?: Callback<Record<string, never>>): void {
    this.clientConfirm = true;
    this.call(() => {
      this.brokerConfirm = true;
      return {};
    }, cb);
  }

  /**
   * basic.qos (versioned_docs/version-3.13/consumer-prefetch.md): global=false sets the limit of
   * consumers created afterwards on this channel; global=true a limit shared by the channel. 0 = none.
   */
  prefetch(count: number, global = false, cb?: Callback<Record<string, never>>): void {
    this.call(() => {
      if (global) this.globalPrefetch = count;
      else {
        // rabbit_channel basic.qos global=false: "Ensures that if default was set, it's
        // overridden": the channel-wide limit is removed (conformance: prefetch-global-and-per-consumer)
        this.consumerPrefetch = count;
        this.globalPrefetch = 0;
      }
      this.dispatchMine();
      return {};
    }, cb);
  }

  /**
   * basic.publish. Returns true (the simulated socket never pushes back). With confirms on, `cb`
   * runs on the broker's ack (err null) or nack (err set), and "ack" / "nack" events fire.
   */
  publish(
    exchange: string,
    routingKey: string,
    content: Content,
    options: PublishOptions = NO_OPTIONS,
    cb?: ConfirmCallback,
  ): boolean {
    if (!this.clientOpen) throw new IllegalOperationError("Channel closed");
    const broker = this.broker;
    const now = broker.sim.now;
    let mandatory = false;
    let persistent: boolean | undefined;
    let CC: string | readonly string[] | undefined;
    let BCC: string | readonly string[] | undefined;
    let properties: MessageProperties = content.properties ?? NO_PROPERTIES;
    if (options !== NO_OPTIONS) {
      const { mandatory: m = false, persistent: p, CC: cc, BCC: bcc, ...props } = options;
      mandatory = m;
      persistent = p;
      CC = cc;
      BCC = bcc;
      properties = content.properties ? { ...content.properties, ...props } : props;
    }
    let ccKeys: string[] = EMPTY;
    if (
      CC !== undefined ||
      BCC !== undefined ||
      properties.headers?.CC !== undefined ||
      properties.headers?.BCC !== undefined
    ) {
      const headers: FieldTable = { ...(properties.headers ?? {}) };
      const cc = toList(CC ?? headers.CC);
      const bcc = toList(BCC ?? headers.BCC);
      if (cc.length > 0) headers.CC = cc;
      delete headers.BCC; // docs/sender-selected.md: BCC is removed before delivery
      ccKeys = [...cc, ...bcc];
      properties = { ...properties, headers };
    }
    if (persistent !== undefined) properties = { ...properties, deliveryMode: persistent ? 2 : 1 };
    const msg: Message = {
      id: broker.allocMsgId(),
      exchange,
      routingKey,
      ccKeys,
      bytes: content.bytes,
      body: content.body,
      properties,
      persistent: properties.deliveryMode === 2,
      publisher: this.connection.name,
      publishedAt: now,
    };
    let seq = 0;
    if (this.clientConfirm) {
      seq = ++this.publishSeq;
      if (cb) this.confirmCallbacks.set(seq, cb);
    }
    broker.ledger.copies++;
    const sig = broker.signals.published;
    if (sig.active) {
      sig.emit({
        time: now,
        msgId: msg.id,
        exchange,
        routingKey,
        bytes: msg.bytes,
        persistent: msg.persistent,
        mandatory,
        publisher: this.connection.name,
        publishedAt: now,
      });
    }
    const rec: PublishRecord = {
      ch: this,
      msg,
      seq,
      mandatory,
      targets: null,
      pending: 0,
      nacked: false,
      prevT: null,
      nextT: null,
      bytes: msg.bytes,
      bindings: 0,
      inline: false,
    };
    broker.transitAdd(rec);
    broker.runtime.send(
      this.connection.client,
      this.connection.server,
      FRAME_BYTES + msg.bytes,
      brokerPublish,
      rec,
    );
    return true;
  }

  /** Publish via the default exchange straight to `queue`. */
  sendToQueue(
    queue: string,
    content: Content,
    options: PublishOptions = NO_OPTIONS,
    cb?: ConfirmCallback,
  ): boolean {
    return this.publish("", queue, content, options, cb);
  }

  /** basic.consume: `onMessage` gets each delivery (null when the broker cancels the consumer). */
  consume(
    queue: string,
    onMessage: (msg: Delivery | null) => void,
    options: ConsumeOptions = {},
    cb?: Callback<{ consumerTag: string }>,
  ): string {
    const tag =
      options.consumerTag ?? `amq.ctag-${this.connection.name}-${this.id}-${++this.consumerCounter}`;
    this.deliveryCallbacks.set(tag, onMessage);
    this.call(() => {
      const q = this.lookupQueue(queue);
      if (this.consumers.has(tag)) {
        throw new AmqpError(REPLY.NOT_ALLOWED, `attempt to reuse consumer tag '${tag}'`);
      }
      const quorum = q.type === "quorum";
      if (quorum && this.globalPrefetch !== 0) {
        // docs/quorum-queues#global-qos: refused (rabbit_quorum_queue: not_implemented, a hard error)
        throw new AmqpError(
          REPLY.NOT_IMPLEMENTED,
          `queue '${q.name}' in vhost '${this.vhost.name}' does not support global qos`,
        );
      }
      // quorum queues ignore the exclusive flag (docs/consumers.md#exclusivity)
      const exclusive = options.exclusive === true && !quorum;
      const exclusiveHolder = q.consumers.some((c) => c.exclusive);
      // docs/consumers.md: single active consumer cannot be combined with an exclusive consumer
      const sacExclusive = exclusive && q.parsed.singleActiveConsumer;
      if (exclusiveHolder || sacExclusive || (exclusive && q.consumerCount > 0)) {
        throw new AmqpError(
          REPLY.ACCESS_REFUSED,
          `queue '${q.name}' in vhost '${this.vhost.name}' in exclusive use`,
        );
      }
      const args = options.arguments ?? {};
      const prio =
        options.priority ?? (typeof args["x-priority"] === "number" ? (args["x-priority"] as number) : 0);
      const c = new Consumer(
        tag,
        this,
        q,
        options.noAck ?? false,
        exclusive,
        prio,
        this.consumerPrefetch,
        args,
      );
      this.consumers.set(tag, c);
      q.addConsumer(c);
      return { consumerTag: tag };
    }, cb);
    return tag;
  }

  /** basic.cancel: no requeue of in-flight deliveries (docs/consumers.md#unsubscribing). */
  cancel(consumerTag: string, cb?: Callback<{ consumerTag: string }>): void {
    this.call(
      () => {
        const c = this.consumers.get(consumerTag);
        if (c) {
          this.consumers.delete(consumerTag);
          c.queue.removeConsumer(c);
        }
        return { consumerTag };
      },
      (err, ok) => {
        this.deliveryCallbacks.delete(consumerTag);
        cb?.(err, ok);
      },
    );
  }

  /** basic.get: the head message or false when empty; prefetch does not apply. */
  get(queue: string, options: { noAck?: boolean } = {}, cb?: Callback<Delivery | false>): void {
    this.call(() => {
      const q = this.lookupQueue(queue);
      const qm = q.get();
      if (!qm) return false;
      const noAck = options.noAck ?? false;
      const tag = this.nextDeliveryTag++;
      if (noAck) this.broker.recordFate(qm.msg.id, q.key, "auto-acked");
      else {
        q.unackedCount++;
        this.unacked.set(tag, {
          tag,
          qm,
          queue: q,
          consumer: undefined,
          at: this.broker.sim.now,
          ch: this,
          d: undefined,
          settleAs: NOT_SETTLING,
          orphaned: NOT_ORPHANED,
        });
        this.broker.armAckTimeout();
      }
      this.emitDelivered(q, qm, tag, "", noAck, true);
      return toDelivery(qm, tag, undefined, q.messageCount);
    }, cb);
  }

  ack(message: Delivery, allUpTo = false): void {
    this.settle(message.fields.deliveryTag, allUpTo, "ack", false);
  }

  ackAll(): void {
    this.settle(0, true, "ack", false);
  }

  nack(message: Delivery, allUpTo = false, requeue = true): void {
    this.settle(message.fields.deliveryTag, allUpTo, "nack", requeue);
  }

  nackAll(requeue = true): void {
    this.settle(0, true, "nack", requeue);
  }

  reject(message: Delivery, requeue = true): void {
    this.settle(message.fields.deliveryTag, false, "reject", requeue);
  }

  /** basic.recover (requeue=true): every unacked delivery of this channel is requeued. */
  recover(cb?: Callback<Record<string, never>>): void {
    this.call(() => {
      const all = [...this.unacked.values()];
      this.inGroups(all, (p) => {
        this.unacked.delete(p.tag);
        this.release(p);
        if (!gone(p)) {
          p.queue.unackedCount--;
          p.queue.requeue(p.qm);
        }
      });
      return {};
    }, cb);
  }

  /**
   * rabbit_channel foreach_per_queue: settle deliveries in groups per (queue, consumer tag),
   * ordered by queue name then tag (basic.get deliveries first), each queue dispatching after each
   * group (conformance: recover-two-consumers-one-channel).
   */
  private inGroups(list: readonly Pending[], each: (p: Pending) => void): void {
    for (const g of groupsOf(list)) {
      for (const p of g) each(p);
      const q = g[0]!.queue;
      if (!q.deleted) q.dispatch();
    }
  }

  close(cb?: () => void): void {
    if (!this.clientOpen) throw new IllegalOperationError("Channel closed");
    this.clientOpen = false;
    this.broker.runtime.send(
      this.connection.client,
      this.connection.server,
      FRAME_BYTES,
      brokerChannelClose,
      {
        ch: this,
        cb,
      },
    );
  }

  // =============================================================== broker side

  /** Run a synchronous broker step for a method and send its reply (or the channel error). */
  private call<T>(step: () => T, cb: Callback<T> | undefined): void {
    if (!this.clientOpen) throw new IllegalOperationError("Channel closed");
    const rec: CallRecord<T> = { ch: this, step, cb };
    if (cb) this.pendingCallbacks.add(rec as CallRecord<unknown>);
    this.broker.runtime.send(
      this.connection.client,
      this.connection.server,
      FRAME_BYTES,
      brokerCall,
      rec as CallRecord<unknown>,
    );
  }

  /** @internal broker-side step of call(). */
  runCall(rec: CallRecord<unknown>): void {
    if (!this.brokerOpen) return; // frames after a close are discarded
    let result: unknown;
    try {
      result = rec.step();
    } catch (e) {
      if (!(e instanceof AmqpError)) throw e;
      if (isConnectionError(e.code)) this.connection.connectionError(e);
      else this.channelError(e);
      return;
    }
    this.broker.runtime.send(this.connection.server, this.connection.client, FRAME_BYTES, clientReply, {
      rec,
      result,
    });
  }

  /** @internal client side: a method's reply arrived. */
  clientReply(rec: CallRecord<unknown>, result: unknown): void {
    if (!rec.cb) return;
    if (!this.pendingCallbacks.delete(rec)) return;
    rec.cb(null, result);
  }

  /** Close the channel with an error (broker side), then tell the client. */
  channelError(err: AmqpError): void {
    const sig = this.broker.signals.channelError;
    if (sig.active) {
      sig.emit({
        time: this.broker.sim.now,
        connection: this.connection.name,
        channel: this.id,
        code: err.code,
        text: err.text,
      });
    }
    this.brokerClose();
    this.broker.runtime.send(
      this.connection.server,
      this.connection.client,
      FRAME_BYTES,
      clientChannelError,
      { ch: this, err },
    );
  }

  /** Broker side close: requeue unacked in order, cancel consumers. */
  brokerClose(): void {
    if (!this.brokerOpen) return;
    this.brokerOpen = false;
    for (const c of this.consumers.values()) c.queue.removeConsumer(c);
    this.consumers.clear();
    this.requeueAll();
    // after the requeue, so the next active consumer gets the requeued deliveries first
    // (conformance: single-active-consumer-cancel-with-unacked)
    if (this.sacHolds !== undefined) {
      const held = this.sacHolds;
      this.sacHolds = undefined;
      for (const q of held) if (!q.deleted) q.releaseSingleActive(this);
    }
  }

  /** @internal `q` keeps its single-active slot empty until this channel closes (Queue.removeConsumer). */
  holdSingleActive(q: Queue): void {
    if (this.sacHolds === undefined) this.sacHolds = [q];
    else this.sacHolds.push(q);
  }

  /** Client side: the channel is closed (by error, by close-ok or with its connection). */
  clientClosed(info: CloseInfo, err: AmqpError | false): void {
    const wasOpen = this.clientOpen || this.pendingCallbacks.size > 0 || this.deliveryCallbacks.size > 0;
    this.clientOpen = false;
    const failure = err || AmqpError.fromText(info.code, info.text);
    for (const rec of [...this.pendingCallbacks]) rec.cb?.(failure, undefined as never);
    this.pendingCallbacks.clear();
    for (const [seq, cb] of this.confirmCallbacks) {
      this.confirmCallbacks.delete(seq);
      cb(failure);
    }
    this.deliveryCallbacks.clear();
    if (err) this.emit("error", err);
    if (wasOpen || err) this.emit("close", info);
  }

  private requeueAll(): void {
    this.voidSettling();
    if (this.unacked.size === 0) return;
    const touched = new Set<Queue>();
    for (const p of this.unacked.values()) {
      this.release(p);
      if (p.orphaned === ORPHAN_HELD) this.loseHeld(p);
      else if (!gone(p)) {
        p.queue.unackedCount--;
        p.queue.requeue(p.qm);
        touched.add(p.queue);
      }
    }
    this.unacked.clear();
    for (const q of touched) q.dispatch();
  }

  private release(p: Pending): void {
    if (p.consumer) {
      p.consumer.unacked--;
      this.globalUnacked--;
    }
  }

  /** Whether the channel-wide (global) prefetch allows one more delivery. */
  hasGlobalCredit(): boolean {
    return this.globalPrefetch === 0 || this.globalUnacked < this.globalPrefetch;
  }

  /** @internal the queue hands `qm` to consumer `c` of this channel. */
  deliver(c: Consumer, q: Queue, qm: QueuedMessage): void {
    const tag = this.nextDeliveryTag++;
    const d = toDelivery(qm, tag, c.tag, undefined);
    let arg: { ch: Channel; d: Delivery | undefined };
    if (c.noAck) {
      this.broker.recordFate(qm.msg.id, q.key, "auto-acked");
      arg = { ch: this, d };
    } else {
      const p: Pending = {
        tag,
        qm,
        queue: q,
        consumer: c,
        at: this.broker.sim.now,
        ch: this,
        d,
        settleAs: NOT_SETTLING,
        orphaned: NOT_ORPHANED,
      };
      this.unacked.set(tag, p);
      this.globalUnacked++;
      if (this.broker.consumerTimeout !== undefined) this.broker.armAckTimeout();
      arg = p;
    }
    this.emitDelivered(q, qm, tag, c.tag, c.noAck, false);
    this.broker.runtime.work(q.proc, "deliver", qm.msg, sendDelivery, arg);
  }

  private emitDelivered(
    q: Queue,
    qm: QueuedMessage,
    tag: number,
    consumerTag: string,
    autoAck: boolean,
    viaGet: boolean,
  ): void {
    const sig = this.broker.signals.delivered;
    if (!sig.active) return;
    sig.emit({
      time: this.broker.sim.now,
      queue: q.key,
      node: q.node,
      ready: q.readyCount,
      unacked: q.unackedCount,
      msgId: qm.msg.id,
      consumerTag,
      consumer: this.connection.name,
      deliveryTag: tag,
      redelivered: qm.redelivered,
      autoAck,
      publishedAt: qm.msg.publishedAt,
      enqueuedAt: qm.enqueuedAt,
      viaGet,
    });
  }

  /** @internal client side: a delivery arrived. */
  clientDeliver(d: Delivery): void {
    if (!this.clientOpen) return;
    const fn = this.deliveryCallbacks.get(d.fields.consumerTag!);
    if (fn) fn(d);
  }

  private settle(tag: number, multiple: boolean, kind: "ack" | "nack" | "reject", requeue: boolean): void {
    if (!this.clientOpen) throw new IllegalOperationError("Channel closed");
    // encoded in one number (a small integer: no allocation per ack): tag, multiple, requeue, kind
    const code =
      tag * 16 + (multiple ? 8 : 0) + (requeue ? 4 : 0) + (kind === "ack" ? 0 : kind === "nack" ? 1 : 2);
    this.broker.runtime.send(
      this.connection.client,
      this.connection.server,
      FRAME_BYTES,
      this.settleAction,
      code,
    );
  }

  private readonly settleAction = (code: number): void => {
    const low = code % 16;
    const k = low & 3;
    this.brokerSettle(
      (code - low) / 16,
      (low & 8) !== 0,
      k === 0 ? "ack" : k === 1 ? "nack" : "reject",
      (low & 4) !== 0,
    );
  };

  /**
   * @internal broker side of ack / nack / reject (docs/confirms.md). The channel process forgets
   * the delivery tags at once (a second ack of the same tag is a channel error); each queue process
   * then settles its messages as one `ack` operation per (queue, consumer) group, costing `ack`
   * CPU per message, and dispatches (rabbit_channel -> rabbit_queue_type:settle).
   */
  brokerSettle(tag: number, multiple: boolean, kind: "ack" | "nack" | "reject", requeue: boolean): void {
    if (!this.brokerOpen) return;
    const settleAs =
      (kind === "ack" ? SETTLE_ACK : kind === "nack" ? SETTLE_NACK : SETTLE_REJECT) +
      (requeue && kind !== "ack" ? SETTLE_REQUEUE : 0);
    if (!multiple) {
      // fast path: one delivery, no allocation
      const p = this.unacked.get(tag);
      if (!p) {
        this.channelError(new AmqpError(REPLY.PRECONDITION_FAILED, `unknown delivery tag ${tag}`));
        return;
      }
      this.unacked.delete(tag);
      if (p.orphaned !== NOT_ORPHANED) {
        this.settleOrphan(p, settleAs === SETTLE_ACK);
        return;
      }
      p.settleAs = settleAs;
      this.broker.runtime.work(p.queue.proc, "ack", ONE_MESSAGE, settleInQueue, p);
      if (p.settleAs !== NOT_SETTLING) this.settling.add(p); // the queue has not applied it yet
      return;
    }
    if (tag !== 0 && !this.unacked.has(tag)) {
      this.channelError(new AmqpError(REPLY.PRECONDITION_FAILED, `unknown delivery tag ${tag}`));
      return;
    }
    const settled: Pending[] = [];
    for (const p of this.unacked.values()) {
      if (tag !== 0 && p.tag > tag) break;
      settled.push(p);
    }
    const live: Pending[] = [];
    for (const p of settled) {
      this.unacked.delete(p.tag);
      if (p.orphaned !== NOT_ORPHANED) this.settleOrphan(p, settleAs === SETTLE_ACK);
      else {
        p.settleAs = settleAs;
        live.push(p);
      }
    }
    const released = live.some((p) => p.consumer !== undefined);
    const groups = groupsOf(live);
    for (let i = 0; i < groups.length; i++) {
      const list = groups[i]!;
      const group: SettleGroup = {
        ch: this,
        list,
        settleAs,
        lastReleasing: released && i === groups.length - 1,
      };
      this.broker.runtime.work(list[0]!.queue.proc, "ack", { count: list.length }, settleGroupInQueue, group);
    }
    for (const p of live) if (p.settleAs !== NOT_SETTLING) this.settling.add(p);
  }

  /** @internal queue side of a settlement: the queue process settles `p` and dispatches. */
  queueSettle(p: Pending): void {
    const settleAs = this.arrived(p);
    if (settleAs === NOT_SETTLING) return; // void: the channel closed before it arrived
    this.settleInQueue(p, settleAs);
    if (!p.queue.deleted) p.queue.dispatch();
    if (p.consumer && this.globalPrefetch !== 0) this.dispatchMine();
  }

  /** @internal queue side of a multiple ack / nack: one group, then one dispatch. */
  queueSettleGroup(g: SettleGroup): void {
    for (const p of g.list) if (this.arrived(p) !== NOT_SETTLING) this.settleInQueue(p, g.settleAs);
    const q = g.list[0]!.queue;
    if (!q.deleted) q.dispatch();
    if (g.lastReleasing && this.globalPrefetch !== 0) this.dispatchMine();
  }

  /** A settlement reached the queue process: how it settles `p`, or NOT_SETTLING if void. */
  private arrived(p: Pending): number {
    const settleAs = p.settleAs;
    p.settleAs = NOT_SETTLING;
    if (this.settling.size > 0) this.settling.delete(p);
    return settleAs;
  }

  private settleInQueue(p: Pending, settleAs: number): void {
    if (p.consumer) this.globalUnacked--;
    const q = p.queue;
    if (gone(p)) {
      if (p.consumer) p.consumer.unacked--;
      return;
    }
    const kind = SETTLE_KINDS[settleAs & 3]!;
    const requeue = (settleAs & SETTLE_REQUEUE) !== 0;
    {
      const sig = this.broker.signals.settled;
      if (sig.active) {
        sig.emit({
          time: this.broker.sim.now,
          queue: q.key,
          node: q.node,
          ready: q.readyCount,
          unacked: q.unackedCount - 1,
          msgId: p.qm.msg.id,
          consumer: this.connection.name,
          kind,
          requeue,
          publishedAt: p.qm.msg.publishedAt,
        });
      }
    }
    if (kind === "ack") q.settleAck(p.qm, p.consumer);
    else q.settleReject(p.qm, p.consumer, requeue, kind);
  }

  /** Offer deliveries on every queue this channel consumes from (after global credit grew). */
  private dispatchMine(): void {
    for (const c of this.consumers.values()) c.queue.dispatch();
  }

  /** @internal the broker cancelled consumer `c` (its queue was deleted). */
  serverCancel(c: Consumer): void {
    this.consumers.delete(c.tag);
    this.broker.runtime.send(this.connection.server, this.connection.client, FRAME_BYTES, clientCancel, {
      ch: this,
      tag: c.tag,
    });
  }

  /** @internal client side of a server-sent basic.cancel. */
  clientCancel(tag: string): void {
    const fn = this.deliveryCallbacks.get(tag);
    this.deliveryCallbacks.delete(tag);
    if (!this.clientOpen) return;
    this.emit("cancel", tag);
    fn?.(null);
  }

  /**
   * Settlements still on their way to their queue become unacked deliveries again, in delivery-tag
   * order (the channel closes or the run ends before the queue process applied them).
   */
  private voidSettling(): void {
    if (this.settling.size === 0) return;
    const back = [...this.settling, ...this.unacked.values()].sort((a, b) => a.tag - b.tag);
    for (const p of this.settling) p.settleAs = NOT_SETTLING;
    this.settling.clear();
    this.unacked.clear();
    for (const p of back) this.unacked.set(p.tag, p);
  }

  /** @internal queue `q` was deleted: its unacked copies here are lost. */
  forgetDeliveries(q: Queue, cause: LossCause): void {
    // the tags stay: a later ack of them is accepted silently (conformance:
    // cancel-notification-on-queue-delete); settlements / requeueAll skip deleted queues
    for (const p of [...this.unacked.values(), ...this.settling]) {
      if (p.queue === q && p.orphaned === NOT_ORPHANED) {
        this.broker.recordFate(p.qm.msg.id, q.key, "lost", cause);
      }
    }
  }

  /**
   * @internal the node of `queues` went down. Deliveries of theirs unacked here for which
   * `returns(queue, qm)` holds (on disk) go back to the queue: they are given back, in delivery
   * order, for the caller to requeue. The others stay here, their fate decided by the consumer.
   * Either way the tags stay valid and settle nothing at the queue.
   */
  orphanDeliveries(
    queues: ReadonlySet<Queue>,
    returns: (queue: Queue, qm: QueuedMessage) => boolean,
  ): { queue: Queue; qm: QueuedMessage }[] {
    const back: Pending[] = [];
    // settlements on their way to the dead queue process are lost with it
    for (const p of [...this.settling]) {
      if (p.queue.deleted || !queues.has(p.queue)) continue;
      const settleAs = this.arrived(p);
      if (returns(p.queue, p.qm)) {
        p.orphaned = ORPHAN_RETURNED;
        this.release(p);
        back.push(p);
      } else {
        p.orphaned = ORPHAN_HELD;
        this.settleOrphan(p, settleAs === SETTLE_ACK);
      }
    }
    for (const p of this.unacked.values()) {
      if (p.orphaned !== NOT_ORPHANED || p.queue.deleted || !queues.has(p.queue)) continue;
      if (returns(p.queue, p.qm)) {
        p.orphaned = ORPHAN_RETURNED;
        back.push(p);
      } else p.orphaned = ORPHAN_HELD;
    }
    return back.sort((a, b) => a.tag - b.tag).map((p) => ({ queue: p.queue, qm: p.qm }));
  }

  /** An orphaned delivery settled by the client: only the channel's bookkeeping is left. */
  private settleOrphan(p: Pending, acked: boolean): void {
    this.release(p);
    if (p.orphaned !== ORPHAN_HELD) return;
    if (acked) this.broker.recordFate(p.qm.msg.id, p.queue.key, "acked");
    else this.loseHeld(p);
  }

  private loseHeld(p: Pending): void {
    this.broker.recordFate(p.qm.msg.id, p.queue.key, "lost", "node-crash");
  }

  /** Unacked deliveries held by this channel (broker side). */
  get unackedCount(): number {
    return this.unacked.size;
  }

  /**
   * @internal delivery acknowledgement timeout (docs/consumers.md#acknowledgement-timeout): if the
   * oldest unacked delivery is older than `timeout`, close the channel with 406 (its deliveries
   * are requeued). Returns whether the channel still holds unacked deliveries.
   */
  checkAckTimeout(timeout: Nanoseconds): boolean {
    if (!this.brokerOpen) return false;
    const oldest = this.unacked.values().next().value;
    if (oldest === undefined) return false;
    if (this.broker.sim.now - oldest.at > timeout) {
      this.channelError(
        new AmqpError(
          REPLY.PRECONDITION_FAILED,
          `delivery acknowledgement on channel ${this.id} timed out. Timeout value used: ${Math.round(timeout / 1e6)} ms. This timeout value can be configured, see consumers doc guide to learn more`,
        ),
      );
      return false;
    }
    return true;
  }

  /** @internal end of run: unacked deliveries are in flight. */
  finishDeliveries(): void {
    this.voidSettling();
    for (const p of this.unacked.values()) {
      if (!gone(p) || p.orphaned === ORPHAN_HELD) {
        this.broker.recordFate(p.qm.msg.id, p.queue.key, "in-flight");
      }
    }
    this.unacked.clear();
  }

  // ---------------------------------------------------------------- publishing pipeline

  /**
   * @internal basic.publish arrived at the broker. The channel process handles frames one at a time
   * (rabbit_channel), so routing happens when the process reaches this frame: a publish queued
   * behind a declare or bind on the same channel sees what that method created. The route step's
   * per-binding cost is estimated from the topology at arrival.
   */
  brokerPublish(rec: PublishRecord): void {
    const broker = this.broker;
    if (!this.brokerOpen) {
      broker.transitRemove(rec);
      broker.recordFate(rec.msg.id, null, "lost", "connection-closed");
      return;
    }
    const msg = rec.msg;
    const x = this.vhost.exchanges.get(msg.exchange);
    rec.bindings =
      x && !x.internal
        ? broker.router.route(this.vhost, x, msg.routingKey, msg.ccKeys, msg.properties.headers, false)
            .visited
        : 0;
    rec.inline = true;
    broker.runtime.work(this.proc, "route", rec, routeDone, rec);
    rec.inline = false;
  }

  /** @internal the channel process reached the publish frame: validate, route, hand to queues. */
  routeInOrder(rec: PublishRecord): void {
    const broker = this.broker;
    if (!this.brokerOpen) {
      broker.transitRemove(rec);
      broker.recordFate(rec.msg.id, null, "lost", "connection-closed");
      return;
    }
    const msg = rec.msg;
    const x = this.vhost.exchanges.get(msg.exchange);
    if (!x || x.internal) {
      broker.transitRemove(rec);
      broker.recordFate(msg.id, null, "unroutable-dropped");
      this.channelError(
        x
          ? new AmqpError(
              REPLY.ACCESS_REFUSED,
              `cannot publish to internal exchange '${x.name}' in vhost '${this.vhost.name}'`,
            )
          : notFound("exchange", msg.exchange, this.vhost.name),
      );
      return;
    }
    const exp = msg.properties.expiration;
    if (exp !== undefined) {
      // rabbit_basic:parse_expiration: a string of a non-negative integer of ms
      const detail = !/^-?\d+$/.test(exp)
        ? "no_integer"
        : Number(exp) < 0
          ? `{value_negative,${exp}}`
          : undefined;
      if (detail !== undefined) {
        broker.transitRemove(rec);
        broker.recordFate(msg.id, null, "unroutable-dropped");
        this.channelError(new AmqpError(REPLY.PRECONDITION_FAILED, `invalid expiration '${exp}': ${detail}`));
        return;
      }
    }
    const collect = broker.signals.routed.active;
    // Run synchronously (a zero-cost runtime): the arrival's routing is still current unless a
    // listener wants the matched bindings, which that routing did not collect.
    const r =
      rec.inline && !collect
        ? broker.router.result
        : broker.router.route(this.vhost, x, msg.routingKey, msg.ccKeys, msg.properties.headers, collect);
    if (collect) {
      broker.signals.routed.emit({
        time: broker.sim.now,
        msgId: msg.id,
        exchange: msg.exchange,
        routingKey: msg.routingKey,
        queues: r.queues.map((q) => q.key),
        bindings: r.bindings.slice(),
        alternates: r.alternates.slice(),
      });
    }
    const n = r.queues.length;
    if (n === 0) {
      broker.transitRemove(rec);
      if (rec.mandatory) {
        // docs/confirms.md: basic.return is sent before the basic.ack
        broker.recordFate(msg.id, null, "returned");
        const sig = broker.signals.returned;
        if (sig.active) {
          sig.emit({
            time: broker.sim.now,
            msgId: msg.id,
            exchange: msg.exchange,
            routingKey: msg.routingKey,
            replyCode: REPLY.NO_ROUTE,
            replyText: "NO_ROUTE",
          });
        }
        broker.runtime.send(
          this.connection.server,
          this.connection.client,
          FRAME_BYTES + msg.bytes,
          clientReturn,
          rec,
        );
      } else broker.recordFate(msg.id, null, "unroutable-dropped");
      if (rec.seq !== 0) this.sendConfirm(rec);
      return;
    }
    broker.ledger.copies += n - 1;
    const targets = r.queues.slice();
    rec.targets = targets;
    rec.pending = n;
    this.enqueueAll(rec);
  }

  /** @internal routing charged: hand the copy to every target queue's process. */
  enqueueAll(rec: PublishRecord): void {
    const targets = rec.targets!;
    // a mirrored queue split by a partition under `ignore` has a leader on this side too
    this.broker.splitBrain?.redirect(targets, this.connection.node);
    if (targets.length === 1) {
      this.broker.runtime.work(targets[0]!.proc, "enqueue", rec.msg, queueAccept0, rec);
      return;
    }
    for (let i = 0; i < targets.length; i++) {
      const q = targets[i]!;
      this.broker.runtime.work(q.proc, "enqueue", rec.msg, queueAccept, { rec, i });
    }
  }

  /** @internal queue targets[i] received the copy. */
  queueAccept(rec: PublishRecord, i: number): void {
    const q = rec.targets![i]!;
    rec.targets![i] = null;
    const accepted = q.accept(rec.msg);
    if (!accepted) rec.nacked = true;
    // replicated queues confirm once enough replicas have the copy (docs/confirms.md)
    if (accepted && this.broker.replication?.replicate(q, rec.msg, rec.seq !== 0, acceptDone, rec)) return;
    if (accepted && rec.msg.persistent && q.durable && rec.seq !== 0) {
      // docs/confirms.md: persistent messages to durable queues are confirmed once on disk
      this.broker.runtime.persist(q.node, rec.msg.bytes, acceptDone, rec);
    } else this.acceptDone(rec);
  }

  /** @internal one target queue finished with the copy. */
  acceptDone(rec: PublishRecord): void {
    if (--rec.pending > 0) return;
    this.broker.transitRemove(rec);
    if (rec.seq !== 0) this.sendConfirm(rec);
  }

  private sendConfirm(rec: PublishRecord): void {
    if (!this.brokerOpen || !this.brokerConfirm) return;
    const broker = this.broker;
    const sig = broker.signals.confirmed;
    if (sig.active) {
      sig.emit({
        time: broker.sim.now,
        msgId: rec.msg.id,
        publisher: this.connection.name,
        ack: !rec.nacked,
        publishedAt: rec.msg.publishedAt,
      });
    }
    broker.runtime.work(this.proc, "confirm", {}, sendConfirmFrame, rec);
  }

  /** @internal client side: publisher confirm. */
  clientConfirmArrived(rec: PublishRecord): void {
    if (!this.clientOpen) return;
    const cb = this.confirmCallbacks.get(rec.seq);
    this.confirmCallbacks.delete(rec.seq);
    if (rec.nacked) {
      this.emit("nack", rec.seq, false);
      cb?.(new AmqpError(REPLY.PRECONDITION_FAILED, "message nacked"));
    } else {
      this.emit("ack", rec.seq, false);
      cb?.(null);
    }
  }

  /** @internal client side: basic.return. */
  clientReturnArrived(rec: PublishRecord): void {
    if (!this.clientOpen) return;
    const m = rec.msg;
    this.emit("return", {
      fields: {
        replyCode: REPLY.NO_ROUTE,
        replyText: "NO_ROUTE",
        exchange: m.exchange,
        routingKey: m.routingKey,
      },
      properties: m.properties,
      bytes: m.bytes,
      body: m.body,
      msgId: m.id,
    });
  }

  // ---------------------------------------------------------------- declarations

  private doDeclareExchange(
    name: string,
    type: string,
    o: ExchangeOptions,
    _passive: boolean,
  ): { exchange: string } {
    const vh = this.vhost;
    if (name === "") throw defaultExchangeRefused();
    const existing = vh.exchanges.get(name);
    const args: FieldTable = { ...(o.arguments ?? {}) };
    if (o.alternateExchange !== undefined) args["alternate-exchange"] = o.alternateExchange;
    const durable = o.durable ?? true;
    const autoDelete = o.autoDelete ?? false;
    const internal = o.internal ?? false;
    if (existing) {
      const cmp: [string, unknown, unknown][] = [
        ["type", type, existing.type],
        ["durable", durable, existing.durable],
        ["auto_delete", autoDelete, existing.autoDelete],
        ["internal", internal, existing.internal],
      ];
      for (const [arg, got, cur] of cmp)
        if (got !== cur) throw inequivalent("exchange", name, vh.name, arg, got, cur);
      // rabbit_exchange:assert_equivalence compares only alternate-exchange among the arguments
      const ae = "alternate-exchange";
      if (canonical(args[ae]) !== canonical(existing.args[ae])) {
        throw inequivalent("exchange", name, vh.name, ae, args[ae], existing.args[ae]);
      }
      return { exchange: name };
    }
    this.checkReserved("exchange", name);
    const factory = EXCHANGE_TYPES[type];
    if (!factory) throw new AmqpError(REPLY.COMMAND_INVALID, `unknown exchange type '${type}'`);
    vh.exchanges.set(
      name,
      new Exchange(vh.name, name, type, factory(), durable, autoDelete, internal, args, this.connection.node),
    );
    return { exchange: name };
  }

  private doDeclareQueue(requested: string, o: QueueOptions): AssertQueueOk {
    const vh = this.vhost;
    const durable = o.durable ?? true;
    const exclusive = o.exclusive ?? false;
    const autoDelete = o.autoDelete ?? false;
    const args = o.arguments ?? {};
    const existing = requested === "" ? undefined : vh.queues.get(requested);
    if (existing) {
      this.checkOwner(existing);
      const down = this.broker.queueUnavailable?.(existing);
      if (down !== undefined) throw new AmqpError(REPLY.NOT_FOUND, down);
      // rabbit_amqqueue:assert_equivalence: exclusive access (strict: the exclusive flag must match,
      // else 405), then durable, auto_delete, then only the x-arguments RabbitMQ knows, in its order
      if (exclusive !== existing.exclusive) throw locked(requested, vh.name);
      const cmp: [string, unknown, unknown][] = [
        ["durable", durable, existing.durable],
        ["auto_delete", autoDelete, existing.autoDelete],
      ];
      for (const [arg, got, cur] of cmp)
        if (got !== cur) throw inequivalent("queue", requested, vh.name, arg, got, cur);
      for (const k of QUEUE_DECLARE_ARGS) {
        if (canonical(args[k]) !== canonical(existing.args[k])) {
          throw inequivalent("queue", requested, vh.name, k, args[k], existing.args[k]);
        }
      }
      // a redeclare renews the x-expires lease (docs/ttl.md#queue-ttl; seen on 3.10.8)
      existing.touch();
      return {
        queue: existing.name,
        messageCount: existing.messageCount,
        consumerCount: existing.consumerCount,
      };
    }
    if (requested !== "") this.checkReserved("queue", requested);
    if (!durable && !exclusive && atLeast(this.broker.version, 4, 3)) {
      // release-information/deprecated-features-list.md: transient_nonexcl_queues denied by default in 4.3
      throw new AmqpError(
        REPLY.PRECONDITION_FAILED,
        `invalid property 'non-durable' for queue '${requested}' in vhost '${vh.name}' (transient non-exclusive queues are deprecated)`,
      );
    }
    const name = requested === "" ? this.broker.generateQueueName() : requested;
    const parsed = parseQueueArgs(args, name, vh.name);
    if (parsed.queueType === "quorum") {
      // rabbit_quorum_queue:declare: always durable, never exclusive or auto-delete, and not
      // server-named (docs/quorum-queues, reference C "Declaration rules")
      const bad =
        requested === ""
          ? "server-named"
          : !durable
            ? "non-durable"
            : exclusive
              ? "exclusive-owner"
              : autoDelete
                ? "auto-delete"
                : undefined;
      if (bad !== undefined) {
        throw new AmqpError(
          REPLY.PRECONDITION_FAILED,
          `invalid property '${bad}' for queue '${name}' in vhost '${vh.name}'`,
        );
      }
    }
    const owner = exclusive ? this.connection : undefined;
    const QueueType = this.broker.queueTypes.get(parsed.queueType);
    if (!QueueType) {
      throw new AmqpError(
        REPLY.PRECONDITION_FAILED,
        `invalid arg 'x-queue-type' for queue '${name}' in vhost '${vh.name}': {unknown_queue_type,<<"${parsed.queueType}">>}`,
      );
    }
    const q = new QueueType(
      this.broker,
      vh,
      name,
      this.connection.node,
      durable,
      exclusive,
      autoDelete,
      args,
      parsed,
      owner,
    );
    vh.queues.set(name, q);
    vh.exchanges.get("")!.router.bind(DefaultRouter.bindingFor(name));
    if (owner) owner.exclusiveQueues.add(q);
    return { queue: name, messageCount: 0, consumerCount: 0 };
  }

  private checkReserved(kind: "exchange" | "queue", name: string): void {
    if (name.startsWith("amq.")) {
      throw new AmqpError(REPLY.ACCESS_REFUSED, `${kind} name '${name}' contains reserved prefix 'amq.*'`);
    }
  }

  private lookupQueue(name: string): Queue {
    const q = this.vhost.queues.get(name);
    if (!q) throw notFound("queue", name, this.vhost.name);
    this.checkOwner(q);
    return q;
  }

  /** Exclusive queues belong to their declaring connection (docs/queues.md#exclusive-queues). */
  private checkOwner(q: Queue): void {
    if (q.owner && q.owner !== this.connection) throw locked(q.name, this.vhost.name);
  }

  private bindableSource(source: string): Exchange {
    if (source === "") throw defaultExchangeRefused();
    const x = this.vhost.exchanges.get(source);
    if (!x) throw notFound("exchange", source, this.vhost.name);
    return x;
  }

  private addBinding(x: Exchange, b: ReturnType<typeof makeBinding>): void {
    const err = x.router.validate?.(b);
    if (err) throw new AmqpError(REPLY.PRECONDITION_FAILED, err);
    this.broker.addBinding(this.vhost, x, b);
  }
}

interface CallRecord<T> {
  readonly ch: Channel;
  readonly step: () => T;
  readonly cb: Callback<T> | undefined;
}

const EMPTY: string[] = [];

/** rabbit_amqqueue:declare_args() (3.10): the x-arguments a redeclare must repeat exactly. */
const QUEUE_DECLARE_ARGS = [
  "x-expires",
  "x-message-ttl",
  "x-dead-letter-exchange",
  "x-dead-letter-routing-key",
  "x-max-length",
  "x-max-length-bytes",
  "x-max-in-memory-length",
  "x-max-in-memory-bytes",
  "x-max-priority",
  "x-overflow",
  "x-queue-mode",
  "x-single-active-consumer",
  "x-queue-type",
  "x-quorum-initial-group-size",
  "x-max-age",
  "x-stream-max-segment-size-bytes",
  "x-initial-cluster-size",
  "x-queue-leader-locator",
] as const;
const NO_OPTIONS: PublishOptions = Object.freeze({});
const NO_PROPERTIES: MessageProperties = Object.freeze({});

function toList(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string");
  return [];
}

function defaultExchangeRefused(): AmqpError {
  return new AmqpError(REPLY.ACCESS_REFUSED, "operation not permitted on the default exchange");
}

function toDelivery(
  qm: QueuedMessage,
  tag: number,
  consumerTag: string | undefined,
  messageCount: number | undefined,
): Delivery {
  const m = qm.msg;
  const fields =
    consumerTag !== undefined
      ? {
          deliveryTag: tag,
          redelivered: qm.redelivered,
          exchange: m.exchange,
          routingKey: m.routingKey,
          consumerTag,
        }
      : {
          deliveryTag: tag,
          redelivered: qm.redelivered,
          exchange: m.exchange,
          routingKey: m.routingKey,
          messageCount: messageCount ?? 0,
        };
  return {
    fields,
    properties: m.properties,
    bytes: m.bytes,
    body: m.body,
    msgId: m.id,
    publishedAt: m.publishedAt,
  };
}

// Event actions (module functions + arg records: no closure per event on hot paths).
function brokerPublish(rec: PublishRecord): void {
  rec.ch.brokerPublish(rec);
}
function routeDone(rec: PublishRecord): void {
  rec.ch.routeInOrder(rec);
}
function queueAccept(a: { rec: PublishRecord; i: number }): void {
  a.rec.ch.queueAccept(a.rec, a.i);
}
function queueAccept0(rec: PublishRecord): void {
  rec.ch.queueAccept(rec, 0);
}
function acceptDone(rec: PublishRecord): void {
  rec.ch.acceptDone(rec);
}
function sendConfirmFrame(rec: PublishRecord): void {
  const c = rec.ch.connection;
  c.broker.runtime.send(c.server, c.client, FRAME_BYTES, clientConfirm, rec);
}
function clientConfirm(rec: PublishRecord): void {
  rec.ch.clientConfirmArrived(rec);
}
function clientReturn(rec: PublishRecord): void {
  rec.ch.clientReturnArrived(rec);
}
function brokerCall(rec: CallRecord<unknown>): void {
  rec.ch.broker.runtime.work(rec.ch.proc, "frame", {}, runCall, rec);
}
function runCall(rec: CallRecord<unknown>): void {
  rec.ch.runCall(rec);
}
function clientReply(a: { rec: CallRecord<unknown>; result: unknown }): void {
  a.rec.ch.clientReply(a.rec, a.result);
}
function clientChannelError(a: { ch: Channel; err: AmqpError }): void {
  a.ch.clientClosed({ code: a.err.code, text: a.err.text }, a.err);
}
function sendDelivery(a: { ch: Channel; d: Delivery | undefined }): void {
  const c = a.ch.connection;
  c.broker.runtime.send(c.server, c.client, FRAME_BYTES + a.d!.bytes, clientDelivery, a);
}
function clientDelivery(a: { ch: Channel; d: Delivery | undefined }): void {
  a.ch.clientDeliver(a.d!);
}
function clientCancel(a: { ch: Channel; tag: string }): void {
  a.ch.clientCancel(a.tag);
}
function brokerChannelClose(a: { ch: Channel; cb: (() => void) | undefined }): void {
  a.ch.brokerClose();
  const c = a.ch.connection;
  c.broker.runtime.send(c.server, c.client, FRAME_BYTES, clientChannelCloseOk, a);
}
function clientChannelCloseOk(a: { ch: Channel; cb: (() => void) | undefined }): void {
  a.ch.clientClosed({ code: 200, text: "OK" }, false);
  a.cb?.();
}

/**
 * rabbit_channel foreach_per_queue: deliveries grouped per (queue, consumer tag), ordered by queue
 * name then tag (basic.get deliveries first).
 */
function groupsOf(list: readonly Pending[]): Pending[][] {
  const groups = new Map<string, Pending[]>();
  for (const p of list) {
    const key = `${p.queue.name}\u0000${p.consumer ? `1${p.consumer.tag}` : "0"}`;
    const g = groups.get(key);
    if (g) g.push(p);
    else groups.set(key, [p]);
  }
  return [...groups.keys()].sort().map((k) => groups.get(k)!);
}
function settleInQueue(p: Pending): void {
  p.ch.queueSettle(p);
}
function settleGroupInQueue(g: SettleGroup): void {
  g.ch.queueSettleGroup(g);
}
