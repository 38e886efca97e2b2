/**
 * Plays a conformance case against the simulator (src/amqp on a FreeRuntime) and records what it
 * did in the same shape the recorder writes from a real RabbitMQ (fixture.ts), so the replay test
 * can compare the two exactly. The structure mirrors record.ts step for step.
 */

import {
  type AmqpError,
  type AssertQueueOk,
  Broker,
  type Channel,
  type Connection,
  type Delivery as SimDelivery,
  type FieldTable as SimFieldTable,
  type FieldValue as SimFieldValue,
} from "../../src/amqp/index.js";
import { FreeRuntime } from "../../src/cluster/index.js";
import { NS_PER_MS, Simulator } from "../../src/engine/index.js";
import type { ConformanceCase, FieldTable, FieldValue, Step } from "./case.js";
import { ADMIN_CONNECTION, DEFAULT_CHANNEL, DEFAULT_CONNECTION, messageBody } from "./case.js";
import type { BrokerEvent, CaseRecord, Delivery, StepResult } from "./fixture.js";
import { canonical } from "./fixture.js";

/**
 * Simulated time each step is given to settle. On the real broker a step plus its settle window
 * takes ~100 ms of wall time; the cases keep TTLs and waits far from step boundaries, so any
 * small value gives the same record. 1 ms keeps step order unambiguous.
 */
const STEP_NS = NS_PER_MS;

interface ChannelState {
  readonly name: string;
  readonly conn: string;
  readonly channel: Channel;
  readonly confirm: boolean;
  /** Publish sequence number -> message id, for confirms. */
  readonly seqs: Map<number, string>;
  /** Messages published in confirm mode: the broker numbers them from 1 (docs/confirms.md). */
  published: number;
  closed: boolean;
}

export interface SimPlay {
  readonly record: CaseRecord;
  /** The fate invariant's error at the end of the case, if it did not hold. */
  readonly fateError?: string;
}

/** amqplib's typed-value notation { "!": type, value } becomes the plain value the model uses. */
function toSim(v: FieldValue): SimFieldValue {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(toSim);
  const o = v as { readonly [k: string]: FieldValue };
  if (typeof o["!"] === "string" && "value" in o) return o.value as number | string;
  const out: SimFieldTable = {};
  for (const k of Object.keys(o)) out[k] = toSim(o[k]!);
  return out;
}

function tableToSim(t: FieldTable | undefined): SimFieldTable | undefined {
  return t === undefined ? undefined : (toSim(t) as SimFieldTable);
}

class SimPlayer {
  readonly sim = new Simulator();
  readonly broker = new Broker(this.sim, { runtime: new FreeRuntime(this.sim), version: "3.10" });
  private readonly conns = new Map<string, Connection>();
  private readonly channels = new Map<string, ChannelState>();
  private readonly aliases = new Map<string, string>();
  private readonly reverse = new Map<string, string>();
  private readonly tags = new Map<string, number>();
  private events: BrokerEvent[] = [];
  readonly serverNamed: Record<string, string> = {};

  constructor(private readonly kase: ConformanceCase) {}

  private conn(name: string): Connection {
    let c = this.conns.get(name);
    if (!c) {
      const vhost = this.kase.vhosts?.[name];
      c = this.broker.connect(vhost === undefined ? { name } : { name, vhost });
      c.on("error", (info) => {
        this.events.push({ type: "connection-closed", conn: name, code: info.code, text: info.text });
      });
      this.conns.set(name, c);
    }
    return c;
  }

  open(name: string, connName: string, confirm: boolean): void {
    const channel = this.conn(connName).createChannel();
    const state: ChannelState = {
      name,
      conn: connName,
      channel,
      confirm,
      closed: false,
      seqs: new Map(),
      published: 0,
    };
    channel.on("error", (err: AmqpError) => {
      this.events.push({ type: "channel-closed", ch: name, code: err.code, text: err.text });
    });
    channel.on("close", () => {
      state.closed = true;
    });
    channel.on("return", (m) => {
      this.events.push({
        type: "return",
        ch: name,
        msg: String(m.properties.messageId),
        replyCode: m.fields.replyCode,
        exchange: m.fields.exchange,
        routingKey: this.alias(m.fields.routingKey),
      });
    });
    channel.on("ack", (seq, multiple) => this.confirmed(state, seq, multiple, true));
    channel.on("nack", (seq, multiple) => this.confirmed(state, seq, multiple, false));
    if (confirm) channel.confirmSelect();
    this.channels.set(name, state);
  }

  private confirmed(s: ChannelState, seq: number, multiple: boolean, ack: boolean): void {
    const seqs = multiple ? [...s.seqs.keys()].filter((k) => k <= seq) : [seq];
    for (const k of seqs) {
      const msg = s.seqs.get(k);
      if (msg === undefined) continue;
      s.seqs.delete(k);
      this.events.push({ type: "confirm", ch: s.name, msg, ack });
    }
  }

  private ch(name: string | undefined): ChannelState {
    const s = this.channels.get(name ?? DEFAULT_CHANNEL);
    if (!s) throw new Error(`case ${this.kase.name}: no channel ${name}`);
    if (s.closed) throw new Error(`case ${this.kase.name}: channel ${s.name} is closed; open a new one`);
    return s;
  }

  private q(name: string): string {
    return this.aliases.get(name) ?? name;
  }

  private alias(name: string): string {
    return this.reverse.get(name) ?? name;
  }

  private headers(h: SimFieldTable | undefined): FieldTable | undefined {
    if (!h || Object.keys(h).length === 0) return undefined;
    const out: Record<string, FieldValue> = {};
    for (const key of Object.keys(h).sort()) {
      const v = h[key]!;
      if (key === "x-death" && Array.isArray(v)) {
        out[key] = v.map((d) => {
          const entry: Record<string, FieldValue> = {};
          const t = d as SimFieldTable;
          for (const k of Object.keys(t).sort()) {
            if (k === "time") continue;
            entry[k] = k === "queue" ? this.alias(String(t[k])) : sorted(t[k]!);
          }
          return entry;
        });
      } else if (key === "x-first-death-queue" || key === "x-last-death-queue") {
        out[key] = this.alias(String(v));
      } else {
        out[key] = sorted(v);
      }
    }
    return out;
  }

  private delivery(chName: string, m: SimDelivery): Delivery {
    const msg = String(m.properties.messageId);
    this.tags.set(`${chName}\u0000${msg}`, m.fields.deliveryTag);
    const d: { -readonly [K in keyof Delivery]: Delivery[K] } = {
      msg,
      tag: m.fields.deliveryTag,
      redelivered: m.fields.redelivered,
      exchange: m.fields.exchange,
      routingKey: this.alias(m.fields.routingKey),
    };
    const headers = this.headers(m.properties.headers);
    if (headers) d.headers = headers;
    if (m.properties.expiration !== undefined) d.expiration = String(m.properties.expiration);
    if (m.properties.priority !== undefined) d.priority = m.properties.priority;
    if (m.properties.deliveryMode !== undefined) d.deliveryMode = m.properties.deliveryMode;
    return d;
  }

  private settleTag(s: ChannelState, step: Extract<Step, { op: "ack" | "nack" | "reject" }>): SimDelivery {
    let tag = step.tag;
    if (tag === undefined) {
      if (step.msg === undefined) throw new Error(`case ${this.kase.name}: ${step.op} needs msg or tag`);
      tag = this.tags.get(`${s.name}\u0000${step.msg}`);
      if (tag === undefined)
        throw new Error(`case ${this.kase.name}: ${step.msg} never delivered on ${s.name}`);
    }
    return { fields: { deliveryTag: tag } } as unknown as SimDelivery;
  }

  /** Let `ns` of simulated time pass (replies and deliveries on a FreeRuntime arrive at +0 ns). */
  private settle(ns: number): void {
    this.sim.run({ until: this.sim.now + ns });
  }

  /** Issue an RPC whose callback sets the result; settle; return it. */
  private rpc<T>(
    issue: (cb: (err: AmqpError | null, ok: T) => void) => void,
    map: (ok: T) => StepResult,
  ): StepResult {
    let result: StepResult | undefined;
    issue((err, ok) => {
      result = err ? { error: err.code, text: err.text } : map(ok);
    });
    this.settle(STEP_NS);
    if (result === undefined) throw new Error(`case ${this.kase.name}: no reply within a step`);
    return result;
  }

  run(step: Step): StepResult {
    const ok = (): StepResult => ({ ok: true });
    switch (step.op) {
      case "open":
        this.open(step.ch, step.conn ?? DEFAULT_CONNECTION, step.confirm ?? false);
        this.settle(STEP_NS);
        return { ok: true };
      case "declareExchange": {
        const c = this.ch(step.ch).channel;
        if (step.passive) return this.rpc((cb) => c.checkExchange(step.name, cb), ok);
        const args = tableToSim(step.arguments);
        return this.rpc(
          (cb) =>
            c.assertExchange(
              step.name,
              step.type,
              {
                durable: step.durable ?? false,
                autoDelete: step.autoDelete ?? false,
                internal: step.internal ?? false,
                ...(args ? { arguments: args } : {}),
              },
              cb,
            ),
          ok,
        );
      }
      case "deleteExchange": {
        const c = this.ch(step.ch).channel;
        return this.rpc((cb) => c.deleteExchange(step.name, { ifUnused: step.ifUnused ?? false }, cb), ok);
      }
      case "declareQueue": {
        const c = this.ch(step.ch).channel;
        const args = tableToSim(step.arguments);
        const r = this.rpc(
          (cb) =>
            step.passive
              ? c.checkQueue(this.q(step.name), cb)
              : c.assertQueue(
                  this.q(step.name),
                  {
                    durable: step.durable ?? false,
                    exclusive: step.exclusive ?? false,
                    autoDelete: step.autoDelete ?? false,
                    ...(args ? { arguments: args } : {}),
                  },
                  cb,
                ),
          (o: AssertQueueOk) => ({
            queue: o.queue,
            messageCount: o.messageCount,
            consumerCount: o.consumerCount,
          }),
        );
        if ("queue" in r && step.name === "" && step.as !== undefined) {
          this.aliases.set(step.as, r.queue);
          this.reverse.set(r.queue, step.as);
          this.serverNamed[step.as] = /^(.*?-)/.exec(r.queue)?.[1] ?? r.queue;
          return { ...r, queue: step.as };
        }
        return r;
      }
      case "deleteQueue": {
        const c = this.ch(step.ch).channel;
        return this.rpc(
          (cb) =>
            c.deleteQueue(
              this.q(step.name),
              { ifUnused: step.ifUnused ?? false, ifEmpty: step.ifEmpty ?? false },
              cb,
            ),
          (o: { messageCount: number }) => ({ messageCount: o.messageCount }),
        );
      }
      case "purgeQueue": {
        const c = this.ch(step.ch).channel;
        return this.rpc(
          (cb) => c.purgeQueue(this.q(step.name), cb),
          (o: { messageCount: number }) => ({ messageCount: o.messageCount }),
        );
      }
      case "bindQueue":
      case "unbindQueue": {
        const c = this.ch(step.ch).channel;
        const fn = step.op === "bindQueue" ? c.bindQueue.bind(c) : c.unbindQueue.bind(c);
        return this.rpc(
          (cb) => fn(this.q(step.queue), step.exchange, step.key, tableToSim(step.arguments) ?? {}, cb),
          ok,
        );
      }
      case "bindExchange":
      case "unbindExchange": {
        const c = this.ch(step.ch).channel;
        const fn = step.op === "bindExchange" ? c.bindExchange.bind(c) : c.unbindExchange.bind(c);
        return this.rpc(
          (cb) => fn(step.destination, step.source, step.key, tableToSim(step.arguments) ?? {}, cb),
          ok,
        );
      }
      case "publish": {
        const s = this.ch(step.ch);
        const p = step.props ?? {};
        const headers = tableToSim(p.headers);
        const body = messageBody(step.msg, step.bytes);
        const key = step.exchange === "" ? this.q(step.key) : step.key;
        if (s.confirm) s.seqs.set(++s.published, step.msg);
        s.channel.publish(
          step.exchange,
          key,
          { bytes: Buffer.byteLength(body), body, properties: { messageId: step.msg } },
          {
            mandatory: step.mandatory ?? false,
            ...(p.expiration !== undefined ? { expiration: p.expiration } : {}),
            ...(p.priority !== undefined ? { priority: p.priority } : {}),
            ...(p.persistent !== undefined ? { persistent: p.persistent } : {}),
            ...(headers !== undefined ? { headers } : {}),
            ...(p.CC !== undefined ? { CC: [...p.CC] } : {}),
            ...(p.BCC !== undefined ? { BCC: [...p.BCC] } : {}),
          },
        );
        this.settle(STEP_NS);
        return { ok: true };
      }
      case "consume": {
        const s = this.ch(step.ch);
        return this.rpc(
          (cb) =>
            s.channel.consume(
              this.q(step.queue),
              (m) => {
                if (m === null) this.events.push({ type: "cancelled", ch: s.name, consumer: step.tag });
                else
                  this.events.push({
                    type: "deliver",
                    ch: s.name,
                    consumer: step.tag,
                    delivery: this.delivery(s.name, m),
                  });
              },
              {
                consumerTag: step.tag,
                noAck: step.noAck ?? false,
                exclusive: step.exclusive ?? false,
                ...(step.priority !== undefined ? { priority: step.priority } : {}),
              },
              cb,
            ),
          (o: { consumerTag: string }) => ({ consumerTag: o.consumerTag }),
        );
      }
      case "cancel": {
        const c = this.ch(step.ch).channel;
        return this.rpc((cb) => c.cancel(step.tag, cb), ok);
      }
      case "get": {
        const s = this.ch(step.ch);
        return this.rpc(
          (cb) => s.channel.get(this.q(step.queue), { noAck: step.noAck ?? false }, cb),
          (m: SimDelivery | false): StepResult =>
            m === false
              ? { empty: true }
              : { got: this.delivery(s.name, m), messageCount: m.fields.messageCount ?? 0 },
        );
      }
      case "ack": {
        const s = this.ch(step.ch);
        s.channel.ack(this.settleTag(s, step), step.multiple ?? false);
        this.settle(STEP_NS);
        return { ok: true };
      }
      case "nack": {
        const s = this.ch(step.ch);
        s.channel.nack(this.settleTag(s, step), step.multiple ?? false, step.requeue ?? true);
        this.settle(STEP_NS);
        return { ok: true };
      }
      case "reject": {
        const s = this.ch(step.ch);
        s.channel.reject(this.settleTag(s, step), step.requeue ?? true);
        this.settle(STEP_NS);
        return { ok: true };
      }
      case "qos": {
        const c = this.ch(step.ch).channel;
        return this.rpc((cb) => c.prefetch(step.prefetch, step.global ?? false, cb), ok);
      }
      case "recover": {
        const c = this.ch(step.ch).channel;
        return this.rpc((cb) => c.recover(cb), ok);
      }
      case "closeChannel": {
        const s = this.ch(step.ch);
        s.channel.close();
        this.settle(STEP_NS);
        return { ok: true };
      }
      case "closeConnection": {
        const c = this.conns.get(step.conn);
        if (!c) throw new Error(`case ${this.kase.name}: no connection ${step.conn}`);
        c.close();
        this.conns.delete(step.conn);
        for (const s of this.channels.values()) if (s.conn === step.conn) s.closed = true;
        this.settle(STEP_NS);
        return { ok: true };
      }
      case "wait":
        this.settle(step.ms * NS_PER_MS);
        return { ok: true };
      case "check":
        return this.check(step.queues ?? [], step.exchanges ?? [], step.conn ?? ADMIN_CONNECTION);
    }
  }

  private check(queues: readonly string[], exchanges: readonly string[], connName: string): StepResult {
    const c = this.conn(connName);
    const out: Record<string, { messages: number; consumers: number } | "absent"> = {};
    const ex: Record<string, "present" | "absent"> = {};
    for (const q of queues) {
      const ch = c.createChannel();
      ch.on("error", () => {});
      let r: { messages: number; consumers: number } | "absent" | undefined;
      ch.checkQueue(this.q(q), (err, o) => {
        if (err && err.code !== 404) throw new Error(`check ${q}: ${err.text}`);
        r = err ? "absent" : { messages: o.messageCount, consumers: o.consumerCount };
      });
      this.settle(STEP_NS);
      if (r === undefined) throw new Error(`case ${this.kase.name}: no reply to check of ${q}`);
      out[q] = r;
      if (r !== "absent") ch.close();
    }
    for (const x of exchanges) {
      const ch = c.createChannel();
      ch.on("error", () => {});
      let r: "present" | "absent" | undefined;
      ch.checkExchange(x, (err) => {
        if (err && err.code !== 404) throw new Error(`check ${x}: ${err.text}`);
        r = err ? "absent" : "present";
      });
      this.settle(STEP_NS);
      if (r === undefined) throw new Error(`case ${this.kase.name}: no reply to check of ${x}`);
      ex[x] = r;
      if (r === "present") ch.close();
    }
    this.settle(STEP_NS);
    return { queues: out, exchanges: ex };
  }

  takeEvents(): BrokerEvent[] {
    const e = canonical(this.events);
    this.events = [];
    return e;
  }
}

function sorted(v: SimFieldValue): FieldValue {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(sorted);
  const out: Record<string, FieldValue> = {};
  for (const k of Object.keys(v).sort()) out[k] = sorted(v[k]!);
  return out;
}

/** Play `kase` on a fresh simulated broker. Throws only on a malformed case. */
export function playOnSimulator(kase: ConformanceCase): SimPlay {
  const p = new SimPlayer(kase);
  for (const [name, spec] of Object.entries(kase.channels ?? { [DEFAULT_CHANNEL]: {} })) {
    p.open(name, spec.conn ?? DEFAULT_CONNECTION, spec.confirm ?? false);
  }
  const t = kase.topology;
  if (t) {
    const setup = "_setup";
    p.open(setup, DEFAULT_CONNECTION, false);
    const steps: Step[] = [
      ...(t.exchanges ?? []).map((x) => ({ op: "declareExchange" as const, ch: setup, ...x })),
      ...(t.queues ?? []).map((q) => ({ op: "declareQueue" as const, ch: setup, ...q })),
      ...(t.exchangeBindings ?? []).map((b) => ({ op: "bindExchange" as const, ch: setup, ...b })),
      ...(t.bindings ?? []).map((b) => ({ op: "bindQueue" as const, ch: setup, ...b })),
    ];
    for (const s of steps) {
      const r = p.run(s);
      if ("error" in r) throw new Error(`case ${kase.name}: topology step ${s.op} failed: ${r.text}`);
    }
  }
  p.takeEvents();
  const steps = kase.steps.map((step, i) => {
    const result = p.run(step);
    return { step: i, op: step.op, result, events: p.takeEvents() };
  });
  const record: CaseRecord = { steps, serverNamed: { ...p.serverNamed } };
  try {
    p.broker.finish();
    return { record };
  } catch (err) {
    return { record, fateError: (err as Error).message };
  }
}
