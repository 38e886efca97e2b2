import { toSeconds } from "../engine/time.js";
import type { FieldTable, FieldValue, Message, QueuedMessage } from "./message.js";
import type { DeadLetterReason, Queue } from "./queue.js";
import { atLeast } from "./version.js";

/**
 * The message a dead-lettered copy becomes (docs/dlx.md): x-death updated (most recent first,
 * one entry per {queue, reason} with a count), x-first-death-* set once, x-last-death-* each time,
 * expiration removed (kept as original-expiration), exchange = the DLX, routing key = the queue's
 * dead-letter-routing-key if set (then CC is removed), else the original keys. BCC was already
 * removed at publish.
 */
export function deadLetteredMessage(
  q: Queue,
  qm: QueuedMessage,
  reason: DeadLetterReason,
  dlx: string,
  now: number,
): Message {
  const m = qm.msg;
  const headers: FieldTable = { ...(m.properties.headers ?? {}) };
  const deaths = Array.isArray(headers["x-death"]) ? (headers["x-death"] as FieldTable[]) : [];
  const routingKeys: FieldValue[] = [m.routingKey, ...m.ccKeys.filter((k) => isCc(m, k))];
  const idx = deaths.findIndex((d) => d.queue === q.name && d.reason === reason);
  let entry: FieldTable;
  if (idx >= 0) {
    const old = deaths[idx]!;
    entry = { ...old, count: (old.count as number) + 1 };
  } else {
    entry = {
      count: 1,
      reason,
      queue: q.name,
      time: Math.floor(toSeconds(now)),
      exchange: m.exchange,
      "routing-keys": routingKeys,
    };
    if (m.properties.expiration !== undefined) entry["original-expiration"] = m.properties.expiration;
  }
  const rest = deaths.filter((_, i) => i !== idx);
  headers["x-death"] = [entry, ...rest];
  if (headers["x-first-death-queue"] === undefined) {
    headers["x-first-death-queue"] = q.name;
    headers["x-first-death-reason"] = reason;
    headers["x-first-death-exchange"] = m.exchange;
  }
  if (atLeast(q.broker.version, 3, 13)) {
    // x-last-death-* appeared in 3.13; 3.10.8 sets only x-first-death-* (conformance fixtures)
    headers["x-last-death-queue"] = q.name;
    headers["x-last-death-reason"] = reason;
    headers["x-last-death-exchange"] = m.exchange;
  }
  const dlrk = q.parsed.deadLetterRoutingKey;
  if (dlrk !== undefined) delete headers.CC;
  const { expiration: _dropped, ...props } = m.properties;
  return {
    id: m.id,
    exchange: dlx,
    routingKey: dlrk ?? m.routingKey,
    ccKeys: dlrk !== undefined ? [] : m.ccKeys.filter((k) => isCc(m, k)),
    bytes: m.bytes,
    body: m.body,
    properties: { ...props, headers },
    persistent: m.persistent,
    publisher: m.publisher,
    publishedAt: m.publishedAt,
  };
}

function isCc(m: Message, key: string): boolean {
  const cc = m.properties.headers?.CC;
  return Array.isArray(cc) && cc.includes(key);
}

/**
 * rabbit_dead_letter cycle detection: dead-lettering into `target` is a cycle when `target`
 * appears in x-death and no death up to (and including) that entry was a rejection.
 */
export function isCycle(target: string, msg: Message): boolean {
  const deaths = msg.properties.headers?.["x-death"];
  if (!Array.isArray(deaths)) return false;
  for (const d of deaths as FieldTable[]) {
    if (d.reason === "rejected") return false;
    if (d.queue === target) return true;
  }
  return false;
}
