import type { ClusterRuntime } from "../../cluster/cluster-runtime.js";
import type { ProcessRef } from "../../cluster/runtime.js";
import type { Action } from "../../engine/simulator.js";
import type { Message } from "../message.js";
import type { Queue } from "../queue.js";

/** Bytes of one append_entries / gm message beyond its entries (Erlang distribution header). */
const BATCH_OVERHEAD_BYTES = 64;
/** Bytes per entry beyond its body (Raft index and term, the command tuple). */
const ENTRY_OVERHEAD_BYTES = 32;
/** Bytes of a replica's acknowledgement to its leader (an Erlang / Raft reply carrying no body). */
const REPLICA_ACK_BYTES = 64;
/**
 * Entries per append_entries message: RabbitMQ's `quorum_max_append_entries_rpc_batch_size`,
 * default 16 (rabbitmq-server deps/rabbit/src/rabbit_ra_systems.erl, QUORUM_AER_MAX_RPC_SIZE).
 * Mirrors use the same cap here (gm flushes its broadcast buffer when its mailbox empties).
 */
export const MAX_BATCH_ENTRIES = 16;

/** What the replication of one accepted copy waits for before its publisher confirm. */
interface Entry {
  readonly rep: Replication;
  readonly q: Queue;
  readonly leader: string;
  readonly msg: Message;
  /** Whether replicas write the copy to disk before acknowledging (persistent, durable queue). */
  readonly persist: boolean;
  /** Acknowledgements needed: a majority of replicas (quorum) or the leader and every mirror. */
  readonly need: number;
  acks: number;
  /** Replica nodes that have not acknowledged yet (empty when nothing waits for a confirm). */
  readonly waiting: Set<string>;
  readonly done: Action<unknown>;
  readonly arg: unknown;
  fired: boolean;
}

/** The entries a queue's leader has appended for one follower and not sent yet. */
interface Stream {
  readonly rep: Replication;
  readonly q: Queue;
  /** The follower's replica process: one per queue per node, serialised like the queue's own. */
  readonly replica: ProcessRef;
  pending: Entry[];
  /** A flush waits for the leader's mailbox to empty. */
  armed: boolean;
}

/** One append_entries message (or gm broadcast) on its way to, and applied by, a follower. */
interface Batch {
  readonly rep: Replication;
  readonly replica: ProcessRef;
  readonly leader: string;
  readonly entries: Entry[];
  /** Body bytes of all entries (the per-byte CPU cost). */
  readonly bytes: number;
  /** Body bytes the follower writes to disk before acknowledging. */
  readonly persistBytes: number;
}

const NOBODY: Set<string> = new Set();

/**
 * Which replicas a replicated queue has now, and how many acknowledgements a confirm needs.
 * Implemented by the quorum and mirrored queue models.
 */
export interface ReplicaSet {
  /** Leader node and follower / mirror nodes of `q`, or undefined when `q` is not replicated. */
  replicasOf(q: Queue): { leader: string; followers: readonly string[]; need: number } | undefined;
}

/**
 * Publisher confirms of replicated queues (docs/confirms.md "When will messages be confirmed?",
 * reference §F): a quorum queue confirms once a MAJORITY of its replicas (leader included) has the
 * message, a classic mirrored queue once the leader and EVERY mirror have it. Each follower copy
 * is an Erlang message over the node-to-node link (latency, bandwidth, partitions apply), costs
 * `replicate` CPU on the follower's node (a replica process per queue per node, serialised like
 * the queue's own), is written to the follower's disk when the message is persistent, and is
 * acknowledged back over the link. Publishes without confirms replicate too (same CPU and
 * traffic) but nothing waits for them.
 *
 * Copies travel in batches, as Ra's append_entries do: the leader sends what it has appended when
 * its mailbox is empty (so under light load every copy goes at once, alone) or when a batch holds
 * MAX_BATCH_ENTRIES; the follower applies a batch as one operation costing `replicate` per entry
 * plus the bytes, writes it once, and acknowledges it with one reply.
 *
 * While a confirm still waits for it, a follower that was down or cut off when the copy was sent
 * gets it when it comes back (Raft log catch-up); copies already confirmed without it are not
 * re-sent (not modelled: a returning quorum follower's catch-up of committed entries). A mirror
 * whose node goes down leaves the mirror set, so confirms stop waiting for it. Copies on a leader that goes down before the confirm are not
 * confirmed (the publisher's confirm never comes, as with a lost disk write).
 */
export class Replication {
  private readonly open = new Set<Entry>();

  /** Per queue, per follower node: entries not sent yet. */
  private readonly streams = new Map<Queue, Map<string, Stream>>();

  constructor(
    private readonly cluster: ClusterRuntime,
    private readonly sets: readonly ReplicaSet[],
  ) {}

  /**
   * `q` accepted `msg` on its leader. Returns false when `q` is not replicated (the caller confirms
   * as usual); otherwise runs done(arg) once enough replicas have it (at once when !confirm).
   */
  replicate<A>(q: Queue, msg: Message, confirm: boolean, done: Action<A>, arg: A): boolean {
    let r: ReturnType<ReplicaSet["replicasOf"]>;
    for (const s of this.sets) {
      r = s.replicasOf(q);
      if (r !== undefined) break;
    }
    if (r === undefined) return false;
    const rt = this.cluster;
    const persist = msg.persistent && q.durable;
    const e: Entry = {
      rep: this,
      q,
      leader: r.leader,
      msg,
      persist: persist && confirm,
      need: confirm ? r.need : 0,
      acks: 0,
      waiting: confirm ? new Set(r.followers) : NOBODY,
      done: done as Action<unknown>,
      arg,
      fired: !confirm,
    };
    if (confirm) this.open.add(e);
    else done(arg);
    // the leader's own copy: on disk first when persistent (docs/confirms.md)
    if (e.persist) rt.persist(r.leader, msg.bytes, leaderWritten, e);
    else this.ack(e);
    for (const n of r.followers) this.append(e, n);
    return true;
  }

  /** A follower node is back (restart, partition healed): resend what it has not acknowledged. */
  resend(node?: string): void {
    for (const e of [...this.open]) {
      if (e.q.deleted) {
        this.open.delete(e);
        continue;
      }
      for (const n of e.waiting) if (node === undefined || n === node) this.append(e, n);
    }
  }

  /**
   * Raft log catch-up of a follower that was down: the leader sends it the entries it missed that
   * are still in the log (`copies`: the queue's messages appended while it was away), in batches
   * of MAX_BATCH_ENTRIES, costing network and `replicate` CPU like any copy; nothing waits for
   * them (their confirms did not need this follower). Returns the copies sent.
   */
  catchUp(q: Queue, node: string, copies: Iterable<Message>): number {
    let r: ReturnType<ReplicaSet["replicasOf"]>;
    for (const s of this.sets) {
      r = s.replicasOf(q);
      if (r !== undefined) break;
    }
    if (r === undefined || !r.followers.includes(node) || !this.cluster.isUp(node)) return 0;
    // copies whose confirm still waits for this follower went again through resend()
    const resent = new Set<Message>();
    for (const e of this.open) if (e.q === q && e.waiting.has(node)) resent.add(e.msg);
    const s = this.stream(q, node);
    if (s.pending.length > 0) this.flush(s);
    let n = 0;
    for (const msg of copies) {
      if (resent.has(msg)) continue;
      s.pending.push({
        rep: this,
        q,
        leader: r.leader,
        msg,
        persist: false,
        need: 0,
        acks: 0,
        waiting: NOBODY,
        done: nothing,
        arg: undefined,
        fired: true,
      });
      n++;
      if (s.pending.length >= MAX_BATCH_ENTRIES) this.flush(s);
    }
    this.flush(s);
    return n;
  }

  /** A mirror left the mirror set (its node went down): confirms stop waiting for it. */
  mirrorGone(isMirrored: (q: Queue) => boolean, node: string): void {
    for (const e of [...this.open]) {
      if (isMirrored(e.q) && e.waiting.delete(node)) this.ack(e);
    }
  }

  /** A detected partition: confirms of `which` queues stop waiting for replicas on the other side. */
  separated(which: (q: Queue) => boolean, apart: (leader: string, node: string) => boolean): void {
    for (const e of [...this.open]) {
      if (!which(e.q)) continue;
      for (const n of [...e.waiting]) if (apart(e.leader, n) && e.waiting.delete(n)) this.ack(e);
    }
  }

  /** Confirms still waiting for replicas (for tests). */
  get waiting(): number {
    return this.open.size;
  }

  /** Queue `e` for `node`; the batch goes when the leader's mailbox empties or the batch is full. */
  private append(e: Entry, node: string): void {
    if (!this.cluster.isUp(node)) return;
    const s = this.stream(e.q, node);
    // a batch has one leader: entries appended after an election start a new one
    if (s.pending.length > 0 && s.pending[0]!.leader !== e.leader) this.flush(s);
    s.pending.push(e);
    if (s.pending.length >= MAX_BATCH_ENTRIES) this.flush(s);
    else if (!s.armed) {
      s.armed = true;
      this.cluster.whenIdle(e.q.proc, flushStream, s);
    }
  }

  private stream(q: Queue, node: string): Stream {
    let m = this.streams.get(q);
    if (m === undefined) {
      m = new Map();
      this.streams.set(q, m);
    }
    let s = m.get(node);
    if (s === undefined) {
      s = { rep: this, q, replica: { node, key: `${q.proc.key}#replica` }, pending: [], armed: false };
      m.set(node, s);
    }
    return s;
  }

  /** @internal send what `s` holds as one message over the leader → follower link. */
  flush(s: Stream): void {
    s.armed = false;
    const entries = s.pending;
    if (entries.length === 0) return;
    s.pending = [];
    let bytes = 0;
    let persistBytes = 0;
    for (const e of entries) {
      bytes += e.msg.bytes;
      if (e.persist) persistBytes += e.msg.bytes;
    }
    const leader = entries[0]!.leader;
    const b: Batch = { rep: this, replica: s.replica, leader, entries, bytes, persistBytes };
    this.cluster.send(
      this.cluster.nodeEndpoint(leader),
      this.cluster.nodeEndpoint(s.replica.node),
      BATCH_OVERHEAD_BYTES + entries.length * ENTRY_OVERHEAD_BYTES + bytes,
      arrived,
      b,
    );
  }

  /** @internal the batch reached the follower's node: its replica process applies it. */
  arrived(b: Batch): void {
    this.cluster.work(b.replica, "replicate", { bytes: b.bytes, count: b.entries.length }, applied, b);
  }

  /** @internal the follower applied the batch (and writes it when persistent): acknowledge. */
  applied(b: Batch): void {
    if (b.persistBytes > 0) this.cluster.persist(b.replica.node, b.persistBytes, replicaWritten, b);
    else this.replicaWritten(b);
  }

  /** @internal */
  replicaWritten(b: Batch): void {
    if (b.entries.every(isFired)) return; // nothing waits (no confirms, or all already confirmed)
    this.cluster.send(
      this.cluster.nodeEndpoint(b.replica.node),
      this.cluster.nodeEndpoint(b.leader),
      REPLICA_ACK_BYTES,
      ackArrived,
      b,
    );
  }

  /** @internal */
  ackArrived(b: Batch): void {
    const node = b.replica.node;
    for (const e of b.entries) if (e.waiting.delete(node)) this.ack(e);
  }

  /** @internal one more replica (or the leader) has the copy. */
  ack(e: Entry): void {
    e.acks++;
    if (e.fired || e.acks < e.need) return;
    e.fired = true;
    this.open.delete(e);
    e.done(e.arg);
  }
}

// Module-level actions: no closure per message on the hot path.
function nothing(): void {}
function isFired(e: Entry): boolean {
  return e.fired;
}
function flushStream(s: Stream): void {
  s.rep.flush(s);
}
function arrived(b: Batch): void {
  b.rep.arrived(b);
}
function leaderWritten(e: Entry): void {
  e.rep.ack(e);
}
function applied(b: Batch): void {
  b.rep.applied(b);
}
function replicaWritten(b: Batch): void {
  b.rep.replicaWritten(b);
}
function ackArrived(b: Batch): void {
  b.rep.ackArrived(b);
}
