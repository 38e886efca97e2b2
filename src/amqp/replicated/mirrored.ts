import type { ClusterRuntime } from "../../cluster/cluster-runtime.js";
import type { Broker } from "../broker.js";
import type { QueuedMessage } from "../message.js";
import type { Queue } from "../queue.js";
import type { ReplicaSet } from "./replication.js";

/** The ha-* keys of the policy that applies to a queue (versioned_docs/version-3.13/ha). */
export interface HaPolicy {
  readonly mode: "all" | "exactly" | "nodes";
  /** exactly: total replicas (leader included); nodes: node names. */
  readonly params?: number | readonly string[];
  /** manual (default): a joining mirror stays unsynchronised; automatic: it syncs at once. */
  readonly syncMode: "manual" | "automatic";
}

interface MirrorState {
  leader: string;
  /** Mirror node -> time since which it has every message (-Infinity: since the queue began). */
  readonly syncedSince: Map<string, number>;
}

/**
 * Classic mirrored queues, RabbitMQ up to 3.13 (versioned_docs/version-3.13/ha/index.md,
 * reference §F). Mirrors sit on the nodes the queue's ha-mode names. A mirror that starts or
 * rejoins is empty: it holds only messages published after it joined (unsynchronised) unless
 * ha-sync-mode is automatic (synchronisation is treated as instant). When the leader's node goes
 * down the longest-running mirror that is up is promoted at once (ha-promote-on-failure=always):
 * messages older than that mirror's join time existed only on the old leader and are lost (cause
 * mirror-promotion); the rest stay, in order. Unacked deliveries of connections that died with
 * the node come back redelivered. Not modelled: the new leader requeueing the unacked deliveries
 * of surviving consumers. Confirms wait for the leader and every mirror that is up, synchronised
 * or not (a mirror that joined late still receives every new message; replication.ts).
 */
export class MirroredQueues implements ReplicaSet {
  private readonly states = new Map<Queue, MirrorState>();

  constructor(
    private readonly broker: Broker,
    private readonly cluster: ClusterRuntime,
    private readonly policyOf: (q: Queue) => HaPolicy | undefined,
    /** Records a lost copy (with confirmedBeforeLoss) the way the failure handler does. */
    private readonly lose: (q: Queue, qm: QueuedMessage) => void,
  ) {}

  isMirrored(q: Queue): boolean {
    return !q.exclusive && q.type === "classic" && this.policyOf(q) !== undefined;
  }

  leaderOf(q: Queue): string | undefined {
    return this.states.get(q)?.leader;
  }

  /** Whether a detected partition separates two nodes (split-brain.ts sets it under `ignore`). */
  separated: (a: string, b: string) => boolean = () => false;

  /**
   * Confirms need the leader and every mirror that is up (ha/index.md "Publisher Confirms") and,
   * after a detected partition, on its side (`all`: every mirror that is up).
   */
  replicasOf(q: Queue, all = false): { leader: string; followers: string[]; need: number } | undefined {
    if (!this.isMirrored(q)) return undefined;
    const s = this.state(q);
    const followers = [...s.syncedSince.keys()].filter(
      (n) => this.cluster.isUp(n) && (all || !this.separated(s.leader, n)),
    );
    return { leader: s.leader, followers, need: 1 + followers.length };
  }

  /** Mirror nodes the policy asks for (the leader excluded). */
  mirrorNodes(q: Queue, leader: string): string[] {
    const p = this.policyOf(q);
    if (p === undefined) return [];
    const nodes = this.cluster.nodes;
    const others = [...nodes.slice(nodes.indexOf(leader) + 1), ...nodes.slice(0, nodes.indexOf(leader))];
    if (p.mode === "all") return others;
    if (p.mode === "exactly")
      return others.slice(0, Math.max(0, (typeof p.params === "number" ? p.params : 1) - 1));
    const listed = Array.isArray(p.params) ? p.params : [];
    return others.filter((n) => listed.includes(n));
  }

  private state(q: Queue): MirrorState {
    let s = this.states.get(q);
    if (s === undefined) {
      // mirrors are created with the queue, when it is empty: synchronised from the start
      const home = this.cluster.nodeOf(q.proc);
      s = { leader: home, syncedSince: new Map(this.mirrorNodes(q, home).map((n) => [n, -Infinity])) };
      this.states.set(q, s);
    }
    return s;
  }

  /**
   * The leader's node went down: promote the longest-running mirror that is up. Returns false
   * when there is none (the queue then fails like a non-mirrored one).
   */
  leaderDown(q: Queue): boolean {
    const s = this.state(q);
    let best: string | undefined;
    for (const [n, since] of s.syncedSince) {
      if (!this.cluster.isUp(n)) continue;
      if (best === undefined || since < s.syncedSince.get(best)!) best = n;
    }
    if (best === undefined) return false;
    const since = s.syncedSince.get(best)!;
    const old = s.leader;
    s.syncedSince.delete(best);
    s.leader = best;
    this.cluster.relocate(q.proc.key, best === q.node ? null : best);
    let lost = 0;
    if (since > Number.NEGATIVE_INFINITY) {
      const kept: QueuedMessage[] = [];
      for (const qm of q.drainReady()) {
        if (qm.enqueuedAt < since) {
          this.lose(q, qm);
          lost++;
        } else kept.push(qm);
      }
      for (const qm of kept) {
        const was = qm.redelivered;
        q.requeue(qm);
        qm.redelivered = was;
      }
    }
    const sig = this.broker.signals.marker;
    if (sig.active) {
      sig.emit({
        time: this.broker.sim.now,
        kind: "mirror-promoted",
        label: `${q.key}: mirror on ${best} promoted (was ${old})${lost > 0 ? `, unsynchronised: ${lost} messages lost` : ""}`,
      });
    }
    return true;
  }

  /** A node came back: it rejoins each of its mirrored queues as a mirror, empty. */
  nodeUp(node: string): void {
    const now = this.broker.sim.now;
    for (const vh of this.broker.vhosts.values()) {
      for (const q of vh.queues.values()) {
        if (q.deleted || !this.isMirrored(q)) continue;
        const s = this.state(q);
        if (s.leader === node || !this.mirrorNodes(q, s.leader).includes(node)) continue;
        s.syncedSince.set(node, this.policyOf(q)!.syncMode === "automatic" ? Number.NEGATIVE_INFINITY : now);
      }
    }
  }
}
