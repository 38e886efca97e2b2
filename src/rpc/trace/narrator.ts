import type { Broker } from "../../amqp/broker.js";
import type { Nanoseconds } from "../../engine/time.js";
import type { SpanJson } from "../result.js";
import { explainDirect, explainTopic } from "./explain.js";

/** One line of a narrated trace. */
export type TraceLine = {
  /** Simulated time, seconds. */
  readonly time: number;
  /** Broker message id (#n) the line is about, or 0 for an RPC-level line. */
  readonly msgId: number;
  /** At equal times: -1 before the broker's lines (an RPC request), 0 broker, 1 after. */
  readonly order?: number;
  readonly text: string;
};

/** How many non-matching bindings of an exchange to explain before summarising the rest. */
const NON_MATCHES_SHOWN = 3;

const sec = (ns: Nanoseconds): number => Number((ns / 1e9).toFixed(9));
const kib = (b: number): string => (b >= 1024 ? `${(b / 1024).toFixed(1)} KiB` : `${b} B`);

/**
 * Subscribes to the broker's signals and writes, for the selected messages, what happens to them
 * step by step: the publish, which bindings matched and which did not and why, enqueue,
 * delivery, ack, redelivery, expiry, dead-lettering, return. `select(msgId)` is asked once per
 * published message (inside the publish, so a caller can look at what is being published).
 */
export class Narrator {
  readonly lines: TraceLine[] = [];
  private readonly chosen = new Set<number>();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly broker: Broker,
    private readonly select: (msgId: number) => boolean,
  ) {
    const s = broker.signals;
    const on = <T>(sig: { subscribe(fn: (p: T) => void): () => void }, fn: (p: T) => void): void => {
      this.unsubscribe.push(sig.subscribe(fn));
    };
    on(s.published, (p) => {
      if (!this.select(p.msgId)) return;
      this.chosen.add(p.msgId);
      this.say(
        p.time,
        p.msgId,
        `${p.publisher} publishes #${p.msgId} to exchange '${p.exchange}' with routing key '${p.routingKey}'` +
          ` (${kib(p.bytes)}${p.persistent ? ", persistent" : ""}${p.mandatory ? ", mandatory" : ""})`,
      );
    });
    on(s.routed, (p) => {
      if (!this.chosen.has(p.msgId)) return;
      this.route(p.time, p.msgId, p.exchange, p.routingKey, p.queues, p.bindings, p.alternates);
    });
    on(s.enqueued, (p) => {
      if (this.chosen.has(p.msgId)) {
        this.say(
          p.time,
          p.msgId,
          `#${p.msgId} enqueued in '${p.queue}' on ${p.node} (ready ${p.ready}, unacked ${p.unacked})`,
        );
      }
    });
    on(s.delivered, (p) => {
      if (!this.chosen.has(p.msgId)) return;
      const wait = p.time - p.enqueuedAt;
      this.say(
        p.time,
        p.msgId,
        `#${p.msgId} ${p.viaGet ? "fetched by basic.get" : "delivered"} from '${p.queue}' to ${p.consumer}` +
          ` after ${sec(wait)} s in the queue${p.redelivered ? " (redelivered=true: delivered before, not acked)" : ""}` +
          `${p.autoAck ? " (auto-ack: settled on delivery)" : ""}`,
      );
    });
    on(s.settled, (p) => {
      if (!this.chosen.has(p.msgId)) return;
      const what =
        p.kind === "ack" ? "acked" : `${p.kind === "nack" ? "nacked" : "rejected"} (requeue=${p.requeue})`;
      this.say(p.time, p.msgId, `#${p.msgId} ${what} by ${p.consumer}`);
    });
    on(s.returned, (p) => {
      if (this.chosen.has(p.msgId)) {
        this.say(
          p.time,
          p.msgId,
          `#${p.msgId} returned to its publisher: ${p.replyCode} ${p.replyText} (mandatory, no queue)`,
        );
      }
    });
    on(s.confirmed, (p) => {
      if (this.chosen.has(p.msgId)) {
        this.say(
          p.time,
          p.msgId,
          `broker ${p.ack ? "confirms (basic.ack)" : "refuses (basic.nack)"} #${p.msgId} to ${p.publisher}`,
        );
      }
    });
    on(s.expired, (p) => {
      if (this.chosen.has(p.msgId)) {
        this.say(
          p.time,
          p.msgId,
          `#${p.msgId} expired at the head of '${p.queue}': its TTL ran out before a consumer took it`,
        );
      }
    });
    on(s.deadLettered, (p) => {
      if (this.chosen.has(p.msgId)) {
        this.say(
          p.time,
          p.msgId,
          `#${p.msgId} dead-lettered from '${p.queue}' (${p.reason}) to exchange '${p.deadLetterExchange}' key '${p.routingKey}'`,
        );
      }
    });
    on(s.dropped, (p) => {
      if (this.chosen.has(p.msgId))
        this.say(p.time, p.msgId, `#${p.msgId} dropped from '${p.queue}' (${p.reason})`);
    });
    on(s.fate, (p) => {
      if (!this.chosen.has(p.msgId)) return;
      if (p.fate === "lost")
        this.say(p.time, p.msgId, `#${p.msgId} lost from '${p.queue}' (${p.lossCause ?? "unknown"})`);
      if (p.fate === "unroutable-dropped")
        this.say(p.time, p.msgId, `#${p.msgId} dropped: unroutable and not mandatory`);
    });
  }

  /** Messages selected so far. */
  get selected(): ReadonlySet<number> {
    return this.chosen;
  }

  stop(): void {
    for (const u of this.unsubscribe.splice(0)) u();
  }

  say(time: Nanoseconds, msgId: number, text: string): void {
    this.lines.push({ time: sec(time), msgId, text });
  }

  private route(
    time: Nanoseconds,
    msgId: number,
    exchange: string,
    key: string,
    queues: readonly string[],
    matched: readonly { source: string; destination: string; key: string }[],
    alternates: readonly string[],
  ): void {
    if (exchange === "") {
      this.say(
        time,
        msgId,
        queues.length > 0
          ? `default exchange: every queue is bound by its name, so #${msgId} goes to queue '${key}'`
          : `default exchange: no queue is named '${key}', so #${msgId} is unroutable`,
      );
      return;
    }
    const x = this.broker.vhost("/").exchanges.get(exchange);
    const type = x?.type ?? "?";
    for (const b of matched) {
      const why =
        type === "topic"
          ? explainTopic(b.key, key)
          : type === "direct"
            ? explainDirect(b.key, key)
            : type === "fanout"
              ? "a fanout exchange ignores the key"
              : "binding matched";
      this.say(
        time,
        msgId,
        `exchange '${b.source}' (${type}): binding '${b.key}' → '${b.destination}' matches: ${why}`,
      );
    }
    if (x !== undefined && (type === "topic" || type === "direct")) {
      const hit = new Set(matched.map((b) => `${b.source}\u0000${b.destination}\u0000${b.key}`));
      let shown = 0;
      let more = 0;
      for (const b of x.router.bindings()) {
        if (hit.has(`${b.source}\u0000${b.destination}\u0000${b.key}`)) continue;
        if (shown < NON_MATCHES_SHOWN) {
          const why = type === "topic" ? explainTopic(b.key, key) : explainDirect(b.key, key);
          this.say(
            time,
            msgId,
            `exchange '${exchange}' (${type}): binding '${b.key}' → '${b.destination}' does not match: ${why}`,
          );
          shown++;
        } else more++;
      }
      if (more > 0) this.say(time, msgId, `exchange '${exchange}': ${more} more bindings do not match`);
    }
    for (const a of alternates) this.say(time, msgId, `no queue matched; tried alternate exchange '${a}'`);
    if (queues.length === 0) this.say(time, msgId, `#${msgId} routed to no queue`);
  }
}

/** RPC-level lines for the spans of a flow, to interleave with the broker's. */
export function narrateSpans(spans: readonly SpanJson[], replyPoll: number): TraceLine[] {
  const out: TraceLine[] = [];
  const add = (time: number | null, text: string, order = 1): void => {
    if (time !== null) out.push({ time, msgId: 0, text, order });
  };
  const fmt = (s: number): string => `${Number(s.toFixed(6))} s`;
  for (const s of spans) {
    const target = `${s.service}.${s.method}`;
    const how =
      s.kind === "call"
        ? "calls"
        : s.kind === "fanout"
          ? "fanout-casts"
          : s.kind === "notify"
            ? "notifies"
            : "casts";
    add(
      s.requested,
      `RPC: ${s.from} ${how} ${target} (routing key '${s.routingKey}' on exchange '${s.exchange}')`,
      -1,
    );
    if (s.started !== null && s.delivered !== null) {
      const wait = s.started - s.delivered;
      add(
        s.started,
        `RPC: ${s.to} acked the request on receipt and runs ${s.method} on an executor thread` +
          (wait > 0 ? ` after ${fmt(wait)} waiting for a free thread` : ""),
      );
    }
    if (s.finished !== null && s.started !== null) {
      add(
        s.finished,
        `RPC: ${s.to} finishes ${s.method} after ${fmt(s.finished - s.started)}` +
          (s.kind === "call" ? "; replies to the default exchange with mandatory=true" : ""),
      );
    }
    if (s.replyRetries > 0 && s.finished !== null) {
      add(
        s.finished,
        `RPC: the reply queue is missing: ${s.to} retried ${s.replyRetries} times every 0.25 s`,
      );
    }
    if (s.kind === "call" && s.done !== null) {
      if (s.outcome === "timeout") {
        add(
          s.done,
          `RPC: MessagingTimeout: ${s.from} gave up waiting for ${target} after ${fmt(s.done - s.requested)}`,
        );
      } else {
        add(
          s.done,
          `RPC: ${s.from} picks up the ${target} reply` +
            (replyPoll > 0 && s.replyDelivered !== null && s.done > s.replyDelivered
              ? ` at its next ${fmt(replyPoll)} poll (${fmt(s.done - s.replyDelivered)} after it arrived)`
              : "") +
            `: ${fmt(s.done - s.requested)} end to end${s.heartbeats > 0 ? `, ${s.heartbeats} call-monitor heartbeats` : ""}`,
        );
      }
    }
  }
  return out;
}

/** Broker and RPC lines in time order (stable: broker lines first at equal times). */
export function mergeLines(...groups: readonly TraceLine[][]): TraceLine[] {
  const all = groups.flat().map((l, i) => ({ l, i }));
  all.sort((a, b) => a.l.time - b.l.time || (a.l.order ?? 0) - (b.l.order ?? 0) || a.i - b.i);
  return all.map((x) => x.l);
}

/** Plain text, one line per step: "   12.345678 s  text". */
export function formatTrace(lines: readonly TraceLine[]): string {
  return lines.map((l) => `${l.time.toFixed(6).padStart(12)} s  ${l.text}`).join("\n");
}
