/**
 * Conformance recorder: plays every case against a real RabbitMQ on 127.0.0.1:5672 (guest/guest)
 * with amqplib and writes test/conformance/fixtures/<case>.json. Each case runs in a fresh vhost
 * (created and deleted with rabbitmqctl), twice: a case whose two recordings differ is not
 * deterministic on the broker and gets no fixture (the recorder says why and exits 1).
 *
 *   npm run conformance:record                 # every case
 *   npm run conformance:record -- topic dlx    # cases whose name contains "topic" or "dlx"
 *
 * Start the broker on loopback first (DESIGN.md, "Start the real broker on loopback only").
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import amqp from "amqplib";
import type { ConformanceCase, FieldTable, FieldValue, Step } from "./case.js";
import { ADMIN_CONNECTION, DEFAULT_CHANNEL, DEFAULT_CONNECTION, messageBody } from "./case.js";
import { ALL_CASES } from "./cases/index.js";
import type { BrokerEvent, CaseRecord, Delivery, Fixture, StepRecord, StepResult } from "./fixture.js";
import { canonical, definitionOf } from "./fixture.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const FIXTURES = join(HERE, "fixtures");
/** A step has settled when the broker has sent nothing for this long (real ms, loopback). */
const QUIET_MS = 80;
/** Give up waiting for quiet after this long (a consumer in a requeue loop never goes quiet). */
const MAX_SETTLE_MS = 3000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function rabbitmqctl(...args: string[]): string {
  return execFileSync("rabbitmqctl", ["-q", ...args], {
    encoding: "utf8",
    env: { ...process.env, ERL_EPMD_ADDRESS: "127.0.0.1" },
  });
}

const erlBin = (s: string) => `<<"${s.replace(/[^A-Za-z0-9._-]/g, "")}">>`;

/** Creates (re-creating if left over) every vhost in one rabbitmqctl call: each call costs ~2 s. */
function freshVhosts(vhosts: readonly string[]): void {
  rabbitmqctl(
    "eval",
    `[begin catch rabbit_vhost:delete(V, <<"recorder">>), ok = rabbit_vhost:add(V, <<"recorder">>), ` +
      `ok = rabbit_auth_backend_internal:set_permissions(<<"guest">>, V, <<".*">>, <<".*">>, <<".*">>, <<"recorder">>) end ` +
      `|| V <- [${vhosts.map(erlBin).join(", ")}]], ok.`,
  );
}

function dropVhosts(vhosts: readonly string[]): void {
  rabbitmqctl(
    "eval",
    `[catch rabbit_vhost:delete(V, <<"recorder">>) || V <- [${vhosts.map(erlBin).join(", ")}]], ok.`,
  );
}

/** The broker vhost for a case's logical vhost: the case's own, or "<own>.<logical>". */
function realVhost(own: string, logical: string | undefined): string {
  return logical === undefined || logical === "/" ? own : `${own}.${logical}`;
}

interface ChannelState {
  readonly name: string;
  readonly conn: string;
  readonly channel: amqp.Channel | amqp.ConfirmChannel;
  readonly confirm: boolean;
  closed: boolean;
}

class Player {
  private readonly conns = new Map<string, amqp.ChannelModel>();
  private readonly channels = new Map<string, ChannelState>();
  /** alias -> server-chosen queue name, and back. */
  private readonly aliases = new Map<string, string>();
  private readonly reverse = new Map<string, string>();
  /** "<ch>\0<msg>" -> latest delivery tag of msg on ch. */
  private readonly tags = new Map<string, number>();
  private events: BrokerEvent[] = [];
  /** Connections the broker closed with an error: name -> reply code. */
  private readonly connErrors = new Map<string, number>();
  private lastEventAt = 0;
  readonly serverNamed: Record<string, string> = {};
  serverVersion = "";
  serverProduct = "";
  serverPlatform = "";

  constructor(
    private readonly vhost: string,
    private readonly kase: ConformanceCase,
  ) {}

  private note(e: BrokerEvent): void {
    this.events.push(e);
    this.lastEventAt = performance.now();
  }

  private async conn(name: string): Promise<amqp.ChannelModel> {
    let c = this.conns.get(name);
    if (!c) {
      c = await amqp.connect({
        hostname: "127.0.0.1",
        port: 5672,
        username: "guest",
        password: "guest",
        vhost: realVhost(this.vhost, this.kase.vhosts?.[name]),
        heartbeat: 0,
      });
      c.on("error", (err: Error & { code?: number }) => {
        this.connErrors.set(name, err.code ?? 0);
        this.note({
          type: "connection-closed",
          conn: name,
          code: err.code ?? 0,
          text: this.scrub(err.message),
        });
      });
      const props = c.connection.serverProperties;
      this.serverVersion = String(props.version);
      this.serverProduct = String(props.product);
      this.serverPlatform = String(props.platform);
      this.conns.set(name, c);
    }
    return c;
  }

  async open(name: string, connName: string, confirm: boolean): Promise<void> {
    const c = await this.conn(connName);
    const channel = confirm ? await c.createConfirmChannel() : await c.createChannel();
    const state: ChannelState = { name, conn: connName, channel, confirm, closed: false };
    channel.on("error", (err: Error & { code?: number }) => {
      this.note({ type: "channel-closed", ch: name, code: err.code ?? 0, text: this.scrub(err.message) });
    });
    channel.on("close", () => {
      state.closed = true;
    });
    channel.on("return", (m: amqp.Message) => {
      this.note({
        type: "return",
        ch: name,
        msg: String(m.properties.messageId),
        replyCode: (m.fields as unknown as { replyCode: number }).replyCode,
        exchange: m.fields.exchange,
        routingKey: this.alias(m.fields.routingKey),
      });
    });
    this.channels.set(name, state);
  }

  private ch(name: string | undefined): ChannelState {
    const s = this.channels.get(name ?? DEFAULT_CHANNEL);
    if (!s) throw new Error(`case ${this.kase.name}: no channel ${name}`);
    if (s.closed) throw new Error(`case ${this.kase.name}: channel ${s.name} is closed; open a new one`);
    return s;
  }

  /** Real queue name for a name in the case. */
  private q(name: string): string {
    return this.aliases.get(name) ?? name;
  }

  /** Case name for a real queue name. */
  private alias(name: string): string {
    return this.reverse.get(name) ?? name;
  }

  /** Error texts name the vhost, which differs per recording. */
  private scrub(text: string): string {
    let t = text.replaceAll(this.vhost, "VHOST");
    for (const [alias, real] of this.aliases) t = t.replaceAll(real, alias);
    return t;
  }

  private headers(h: Record<string, unknown> | undefined): FieldTable | undefined {
    if (!h || Object.keys(h).length === 0) return undefined;
    const out: Record<string, FieldValue> = {};
    for (const key of Object.keys(h).sort()) {
      const v = h[key];
      if (key === "x-death" && Array.isArray(v)) {
        out[key] = v.map((d: Record<string, unknown>) => {
          const entry: Record<string, FieldValue> = {};
          for (const k of Object.keys(d).sort()) {
            if (k === "time") continue; // wall clock
            entry[k] = k === "queue" ? this.alias(String(d[k])) : this.value(d[k]);
          }
          return entry;
        });
      } else if (key === "x-first-death-queue" || key === "x-last-death-queue") {
        out[key] = this.alias(String(v));
      } else {
        out[key] = this.value(v);
      }
    }
    return out;
  }

  private value(v: unknown): FieldValue {
    if (v === undefined || v === null) return null;
    if (Buffer.isBuffer(v)) return v.toString("utf8");
    if (Array.isArray(v)) return v.map((x) => this.value(x));
    if (typeof v === "object") {
      const out: Record<string, FieldValue> = {};
      for (const k of Object.keys(v).sort()) out[k] = this.value((v as Record<string, unknown>)[k]);
      return out;
    }
    if (typeof v === "bigint") return Number(v);
    return v as string | number | boolean;
  }

  private delivery(chName: string, m: amqp.Message): Delivery {
    const msg = String(m.properties.messageId);
    this.tags.set(`${chName}\u0000${msg}`, m.fields.deliveryTag);
    const d: {
      -readonly [K in keyof Delivery]: Delivery[K];
    } = {
      msg,
      tag: m.fields.deliveryTag,
      redelivered: m.fields.redelivered,
      exchange: m.fields.exchange,
      routingKey: this.alias(m.fields.routingKey),
    };
    const headers = this.headers(m.properties.headers);
    if (headers) d.headers = headers;
    if (m.properties.expiration !== undefined) d.expiration = String(m.properties.expiration);
    if (m.properties.priority !== undefined) d.priority = Number(m.properties.priority);
    if (m.properties.deliveryMode !== undefined) d.deliveryMode = Number(m.properties.deliveryMode);
    return d;
  }

  private settleTag(s: ChannelState, step: Extract<Step, { op: "ack" | "nack" | "reject" }>): amqp.Message {
    let tag = step.tag;
    if (tag === undefined) {
      if (step.msg === undefined) throw new Error(`case ${this.kase.name}: ${step.op} needs msg or tag`);
      tag = this.tags.get(`${s.name}\u0000${step.msg}`);
      if (tag === undefined)
        throw new Error(`case ${this.kase.name}: ${step.msg} never delivered on ${s.name}`);
    }
    return { fields: { deliveryTag: tag } } as unknown as amqp.Message;
  }

  private static fail(err: unknown): StepResult {
    const e = err as Error & { code?: number };
    if (typeof e.code !== "number") throw err;
    return { error: e.code, text: e.message };
  }

  async run(step: Step): Promise<StepResult> {
    try {
      return await this.runUnsafe(step);
    } catch (err) {
      // an RPC cut short by a connection error fails with that connection's reply code
      const conn = "ch" in step ? this.channels.get(step.ch ?? DEFAULT_CHANNEL)?.conn : undefined;
      const code = conn === undefined ? undefined : this.connErrors.get(conn);
      if (code !== undefined && typeof (err as { code?: unknown }).code !== "number") {
        for (const s of this.channels.values()) if (s.conn === conn) s.closed = true;
        this.conns.delete(conn!);
        return { error: code, text: this.scrub((err as Error).message) };
      }
      const r = Player.fail(err);
      return "text" in r ? { error: r.error, text: this.scrub(r.text) } : r;
    }
  }

  private async runUnsafe(step: Step): Promise<StepResult> {
    switch (step.op) {
      case "open":
        await this.open(step.ch, step.conn ?? DEFAULT_CONNECTION, step.confirm ?? false);
        return { ok: true };
      case "declareExchange": {
        const c = this.ch(step.ch).channel;
        if (step.passive) await c.checkExchange(step.name);
        else
          await c.assertExchange(step.name, step.type, {
            durable: step.durable ?? false,
            autoDelete: step.autoDelete ?? false,
            internal: step.internal ?? false,
            ...(step.arguments ? { arguments: step.arguments } : {}),
          });
        return { ok: true };
      }
      case "deleteExchange":
        await this.ch(step.ch).channel.deleteExchange(step.name, { ifUnused: step.ifUnused ?? false });
        return { ok: true };
      case "declareQueue": {
        const c = this.ch(step.ch).channel;
        const r = step.passive
          ? await c.checkQueue(this.q(step.name))
          : await c.assertQueue(this.q(step.name), {
              durable: step.durable ?? false,
              exclusive: step.exclusive ?? false,
              autoDelete: step.autoDelete ?? false,
              ...(step.arguments ? { arguments: step.arguments } : {}),
            });
        if (step.name === "" && step.as !== undefined) {
          this.aliases.set(step.as, r.queue);
          this.reverse.set(r.queue, step.as);
          const prefix = /^(.*?-)/.exec(r.queue)?.[1] ?? r.queue;
          this.serverNamed[step.as] = prefix;
        }
        return { queue: this.alias(r.queue), messageCount: r.messageCount, consumerCount: r.consumerCount };
      }
      case "deleteQueue": {
        const r = await this.ch(step.ch).channel.deleteQueue(this.q(step.name), {
          ifUnused: step.ifUnused ?? false,
          ifEmpty: step.ifEmpty ?? false,
        });
        return { messageCount: r.messageCount };
      }
      case "purgeQueue": {
        const r = await this.ch(step.ch).channel.purgeQueue(this.q(step.name));
        return { messageCount: r.messageCount };
      }
      case "bindQueue":
        await this.ch(step.ch).channel.bindQueue(this.q(step.queue), step.exchange, step.key, step.arguments);
        return { ok: true };
      case "unbindQueue":
        await this.ch(step.ch).channel.unbindQueue(
          this.q(step.queue),
          step.exchange,
          step.key,
          step.arguments,
        );
        return { ok: true };
      case "bindExchange":
        await this.ch(step.ch).channel.bindExchange(step.destination, step.source, step.key, step.arguments);
        return { ok: true };
      case "unbindExchange":
        await this.ch(step.ch).channel.unbindExchange(
          step.destination,
          step.source,
          step.key,
          step.arguments,
        );
        return { ok: true };
      case "publish": {
        const s = this.ch(step.ch);
        const p = step.props ?? {};
        const options: amqp.Options.Publish = {
          messageId: step.msg,
          mandatory: step.mandatory ?? false,
          ...(p.expiration !== undefined ? { expiration: p.expiration } : {}),
          ...(p.priority !== undefined ? { priority: p.priority } : {}),
          ...(p.persistent !== undefined ? { persistent: p.persistent } : {}),
          ...(p.headers !== undefined ? { headers: p.headers } : {}),
          ...(p.CC !== undefined ? { CC: [...p.CC] } : {}),
          ...(p.BCC !== undefined ? { BCC: [...p.BCC] } : {}),
        };
        const body = Buffer.from(messageBody(step.msg, step.bytes));
        const key = step.exchange === "" ? this.q(step.key) : step.key;
        if (s.confirm) {
          (s.channel as amqp.ConfirmChannel).publish(step.exchange, key, body, options, (err: unknown) => {
            if (err && (err as Error).message === "channel closed") return; // never confirmed
            this.note({ type: "confirm", ch: s.name, msg: step.msg, ack: !err });
          });
        } else {
          s.channel.publish(step.exchange, key, body, options);
        }
        return { ok: true };
      }
      case "consume": {
        const s = this.ch(step.ch);
        const r = await s.channel.consume(
          this.q(step.queue),
          (m) => {
            if (m === null) this.note({ type: "cancelled", ch: s.name, consumer: step.tag });
            else
              this.note({
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
        );
        return { consumerTag: r.consumerTag };
      }
      case "cancel":
        await this.ch(step.ch).channel.cancel(step.tag);
        return { ok: true };
      case "get": {
        const s = this.ch(step.ch);
        const m = await s.channel.get(this.q(step.queue), { noAck: step.noAck ?? false });
        if (m === false) return { empty: true };
        return { got: this.delivery(s.name, m), messageCount: m.fields.messageCount };
      }
      case "ack": {
        const s = this.ch(step.ch);
        s.channel.ack(this.settleTag(s, step), step.multiple ?? false);
        return { ok: true };
      }
      case "nack": {
        const s = this.ch(step.ch);
        s.channel.nack(this.settleTag(s, step), step.multiple ?? false, step.requeue ?? true);
        return { ok: true };
      }
      case "reject": {
        const s = this.ch(step.ch);
        s.channel.reject(this.settleTag(s, step), step.requeue ?? true);
        return { ok: true };
      }
      case "qos":
        await this.ch(step.ch).channel.prefetch(step.prefetch, step.global ?? false);
        return { ok: true };
      case "recover":
        await this.ch(step.ch).channel.recover();
        return { ok: true };
      case "closeChannel": {
        const s = this.ch(step.ch);
        await s.channel.close();
        return { ok: true };
      }
      case "closeConnection": {
        const c = this.conns.get(step.conn);
        if (!c) throw new Error(`case ${this.kase.name}: no connection ${step.conn}`);
        await c.close();
        this.conns.delete(step.conn);
        for (const s of this.channels.values()) if (s.conn === step.conn) s.closed = true;
        return { ok: true };
      }
      case "wait":
        await sleep(step.ms);
        return { ok: true };
      case "check":
        return this.check(step.queues ?? [], step.exchanges ?? [], step.conn ?? ADMIN_CONNECTION);
    }
  }

  private async check(
    queues: readonly string[],
    exchanges: readonly string[],
    connName: string,
  ): Promise<StepResult> {
    const c = await this.conn(connName);
    const out: Record<string, { messages: number; consumers: number } | "absent"> = {};
    const ex: Record<string, "present" | "absent"> = {};
    for (const q of queues) {
      const ch = await c.createChannel();
      ch.on("error", () => {});
      try {
        const r = await ch.checkQueue(this.q(q));
        out[q] = { messages: r.messageCount, consumers: r.consumerCount };
        await ch.close();
      } catch (err) {
        if ((err as { code?: number }).code !== 404) throw err;
        out[q] = "absent";
      }
    }
    for (const x of exchanges) {
      const ch = await c.createChannel();
      ch.on("error", () => {});
      try {
        await ch.checkExchange(x);
        ex[x] = "present";
        await ch.close();
      } catch (err) {
        if ((err as { code?: number }).code !== 404) throw err;
        ex[x] = "absent";
      }
    }
    return { queues: out, exchanges: ex };
  }

  async settle(): Promise<void> {
    const start = performance.now();
    this.lastEventAt = Math.max(this.lastEventAt, start);
    for (;;) {
      await sleep(5);
      const now = performance.now();
      if (now - this.lastEventAt >= QUIET_MS || now - start >= MAX_SETTLE_MS) return;
    }
  }

  takeEvents(): BrokerEvent[] {
    const e = canonical(this.events);
    this.events = [];
    return e;
  }

  async close(): Promise<void> {
    for (const c of this.conns.values()) await c.close().catch(() => {});
  }
}

async function play(kase: ConformanceCase, vhost: string): Promise<{ record: CaseRecord; player: Player }> {
  const player = new Player(vhost, kase);
  try {
    for (const [name, spec] of Object.entries(kase.channels ?? { [DEFAULT_CHANNEL]: {} })) {
      await player.open(name, spec.conn ?? DEFAULT_CONNECTION, spec.confirm ?? false);
    }
    const t = kase.topology;
    if (t) {
      const setup = "_setup";
      await player.open(setup, DEFAULT_CONNECTION, false);
      const steps: Step[] = [
        ...(t.exchanges ?? []).map((x) => ({ op: "declareExchange" as const, ch: setup, ...x })),
        ...(t.queues ?? []).map((q) => ({ op: "declareQueue" as const, ch: setup, ...q })),
        ...(t.exchangeBindings ?? []).map((b) => ({ op: "bindExchange" as const, ch: setup, ...b })),
        ...(t.bindings ?? []).map((b) => ({ op: "bindQueue" as const, ch: setup, ...b })),
      ];
      for (const s of steps) {
        const r = await player.run(s);
        if ("error" in r) throw new Error(`case ${kase.name}: topology step ${s.op} failed: ${r.text}`);
      }
    }
    await player.settle();
    player.takeEvents();
    const steps: StepRecord[] = [];
    for (const [i, step] of kase.steps.entries()) {
      const result = await player.run(step);
      await player.settle();
      steps.push({ step: i, op: step.op, result, events: player.takeEvents() });
    }
    return { record: { steps, serverNamed: { ...player.serverNamed } }, player };
  } finally {
    await player.close();
  }
}

/** Error texts are informative only: drop them before comparing two recordings. */
function comparable(r: CaseRecord): unknown {
  return JSON.parse(JSON.stringify(r), (k, v) => (k === "text" ? undefined : v));
}

async function main(): Promise<void> {
  const filters = process.argv.slice(2).filter((a) => !a.startsWith("-"));
  const once = process.argv.includes("--once");
  const cases = ALL_CASES.filter((c) => filters.length === 0 || filters.some((f) => c.name.includes(f)));
  mkdirSync(FIXTURES, { recursive: true });
  let failed = 0;
  const vhostOf = (kase: ConformanceCase, run: number) => `conformance-${kase.name}-${run}`;
  const vhosts = cases.flatMap((c) =>
    (once ? [1] : [1, 2]).flatMap((run) => [
      vhostOf(c, run),
      ...Object.values(c.vhosts ?? {})
        .filter((v) => v !== "/")
        .map((v) => realVhost(vhostOf(c, run), v)),
    ]),
  );
  freshVhosts(vhosts);
  for (const kase of cases) {
    try {
      const first = await play(kase, vhostOf(kase, 1));
      if (!once) {
        const second = await play(kase, vhostOf(kase, 2));
        if (!isDeepStrictEqual(comparable(first.record), comparable(second.record))) {
          failed++;
          console.error(
            `✗ ${kase.name}: two recordings differ (not deterministic on the broker); no fixture`,
          );
          console.error(`  first:  ${JSON.stringify(first.record.steps)}`);
          console.error(`  second: ${JSON.stringify(second.record.steps)}`);
          continue;
        }
      }
      const p = first.player;
      const fixture: Fixture = {
        case: kase.name,
        rule: kase.rule,
        source: kase.source,
        broker: { product: p.serverProduct, version: p.serverVersion, platform: p.serverPlatform },
        client: "amqplib 2.3.1",
        definition: definitionOf(kase),
        ...first.record,
      };
      writeFileSync(join(FIXTURES, `${kase.name}.json`), `${JSON.stringify(fixture, null, 2)}\n`);
      console.log(`✓ ${kase.name}`);
    } catch (err) {
      failed++;
      console.error(`✗ ${kase.name}: ${(err as Error).stack ?? String(err)}`);
    }
  }
  dropVhosts(vhosts);
  console.log(`${cases.length - failed}/${cases.length} cases recorded into ${FIXTURES}`);
  process.exitCode = failed === 0 ? 0 : 1;
}

await main();
