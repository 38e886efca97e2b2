import type { ClusterRuntime } from "../../cluster/cluster-runtime.js";
import type { Action } from "../../engine/simulator.js";
import type { Message } from "../message.js";
import type { Queue } from "../queue.js";

/** Bytes of a replicated copy beyond its body (Erlang distribution header, Raft / gm envelope). */
const REPLICA_OVERHEAD_BYTES = 64;
/** Bytes of a replica's acknowledgement to its leader (an Erlang / Raft reply carrying no body). */
const REPLICA_ACK_BYTES = 64;

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
  /** Replica nodes that have not acknowledged yet. */
  readonly waiting: Set<string>;
  readonly done: Action<unknown>;
  readonly arg: unknown;
  fired: boolean;
}

interface ReplicaStep {
  readonly e: Entry;
  readonly node: string;
}

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
 * While a confirm still waits for it, a follower that was down or cut off when the copy was sent
 * gets it when it comes back (Raft log catch-up); copies already confirmed without it are not
 * re-sent (not modelled: a returning quorum follower's catch-up of committed entries). A mirror
 * whose node goes down leaves the mirror set, so confirms stop waiting for it. Copies on a leader that goes down before the confirm are not
 * confirmed (the publisher's confirm never comes, as with a lost disk write).
 */
export class Replication {
  private readonly open = new Set<Entry>();

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
      waiting: new Set(r.followers),
      done: done as Action<unknown>,
      arg,
      fired: !confirm,
    };
    if (confirm) this.open.add(e);
    else done(arg);
    // the leader's own copy: on disk first when persistent (docs/confirms.md)
    if (e.persist) rt.persist(r.leader, msg.bytes, leaderWritten, e);
    else this.ack(e);
    for (const n of r.followers) this.sendTo(e, n);
    return true;
  }

  /** A follower node is back (restart, partition healed): resend what it has not acknowledged. */
  resend(node?: string): void {
    for (const e of [...this.open]) {
      if (e.q.deleted) {
        this.open.delete(e);
        continue;
      }
      for (const n of e.waiting) if (node === undefined || n === node) this.sendTo(e, n);
    }
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

  private sendTo(e: Entry, node: string): void {
    if (!this.cluster.isUp(node)) return;
    this.cluster.send(
      this.cluster.nodeEndpoint(e.leader),
      this.cluster.nodeEndpoint(node),
      REPLICA_OVERHEAD_BYTES + e.msg.bytes,
      arrived,
      { e, node },
    );
  }

  /** @internal the copy reached the follower's node: its replica process applies it. */
  arrived(s: ReplicaStep): void {
    this.cluster.work(
      { node: s.node, key: `${s.e.q.proc.key}#replica` },
      "replicate",
      { bytes: s.e.msg.bytes },
      applied,
      s,
    );
  }

  /** @internal the follower applied the copy (and wrote it when persistent): acknowledge. */
  applied(s: ReplicaStep): void {
    if (s.e.persist) this.cluster.persist(s.node, s.e.msg.bytes, replicaWritten, s);
    else this.replicaWritten(s);
  }

  /** @internal */
  replicaWritten(s: ReplicaStep): void {
    if (s.e.fired) return; // nothing waits (no confirm, or already confirmed)
    this.cluster.send(
      this.cluster.nodeEndpoint(s.node),
      this.cluster.nodeEndpoint(s.e.leader),
      REPLICA_ACK_BYTES,
      ackArrived,
      s,
    );
  }

  /** @internal */
  ackArrived(s: ReplicaStep): void {
    if (s.e.waiting.delete(s.node)) this.ack(s.e);
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
function arrived(s: ReplicaStep): void {
  s.e.rep.arrived(s);
}
function leaderWritten(e: Entry): void {
  e.rep.ack(e);
}
function applied(s: ReplicaStep): void {
  s.e.rep.applied(s);
}
function replicaWritten(s: ReplicaStep): void {
  s.e.rep.replicaWritten(s);
}
function ackArrived(s: ReplicaStep): void {
  s.e.rep.ackArrived(s);
}
