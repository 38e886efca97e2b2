import type { ClusterRuntime } from "../../cluster/cluster-runtime.js";
import type { Broker } from "../broker.js";
import type { Consumer } from "../consumer.js";
import type { Queue } from "../queue.js";
import type { ReplicaSet } from "./replication.js";

/**
 * Quorum queues on node failure (docs/quorum-queues/index.md#behaviour, reference §F). A quorum
 * queue has replicas on `x-quorum-initial-group-size` nodes (default 3, or fewer nodes): its leader
 * (the declaring connection's node) and the nodes after it in cluster order. Modelled here:
 * - its messages live on a majority of replicas, so a leader crash loses none of them;
 * - when the leader's node goes down and a majority of replicas is still up, a follower is
 *   elected after `electionTimeout` and serves the queue from then on (the queue's process moves
 *   there); until then the queue is unavailable: publishes to it wait (their confirms are
 *   delayed) and nothing is delivered;
 * - deliveries unacked by consumers whose connection died with the node are requeued with
 *   redelivered=true; consumers on other nodes keep their subscription and their unacked
 *   messages, and get deliveries again from the new leader;
 * - with no majority the queue stays unavailable until enough replicas return.
 * - a partition that leaves the leader without a majority makes it step down; the majority side
 *   elects a leader; consumers on the minority side lose their subscription.
 * - each copy is replicated to the followers and confirmed once a majority has it (replication.ts).
 */
interface ReplicasNow {
  readonly leader: string;
  readonly followers: readonly string[];
  readonly need: number;
}

export class QuorumQueues implements ReplicaSet {
  private readonly leader = new Map<Queue, string>();
  private readonly replicaSets = new Map<Queue, string[]>();
  /** replicasOf's answer for the queue's current leader. */
  private readonly replicasNow = new Map<Queue, ReplicasNow>();
  /** Queues without a leader: their consumers, detached until the election. */
  private readonly leaderless = new Map<Queue, Consumer[]>();

  constructor(
    private readonly broker: Broker,
    private readonly cluster: ClusterRuntime,
    /** Raft election after the leader is lost, ns (assumed: a few seconds). */
    readonly electionTimeout: number,
  ) {}

  static isQuorum(q: Queue): boolean {
    return q.type === "quorum";
  }

  /** The node serving `q` now. */
  leaderOf(q: Queue): string {
    return this.leader.get(q) ?? this.cluster.nodeOf(q.proc);
  }

  /** Replica nodes of `q`: its first leader's node and the next ones in cluster order. */
  replicas(q: Queue): string[] {
    let r = this.replicaSets.get(q);
    if (r === undefined) {
      const nodes = this.cluster.nodes;
      const arg = q.args["x-quorum-initial-group-size"];
      const size = Math.min(nodes.length, typeof arg === "number" && arg >= 1 ? arg : 3);
      const start = Math.max(0, nodes.indexOf(this.leaderOf(q)));
      r = Array.from({ length: size }, (_, i) => nodes[(start + i) % nodes.length]!);
      this.replicaSets.set(q, r);
    }
    return r;
  }

  /** Confirms need a majority of the replicas, the leader included (docs/quorum-queues). */
  replicasOf(q: Queue): ReplicasNow | undefined {
    if (!QuorumQueues.isQuorum(q)) return undefined;
    const leader = this.leaderOf(q);
    let r = this.replicasNow.get(q);
    if (r === undefined || r.leader !== leader) {
      // computed once per leader (a copy of every message asks)
      const all = this.replicas(q);
      r = { leader, followers: all.filter((n) => n !== leader), need: Math.floor(all.length / 2) + 1 };
      this.replicasNow.set(q, r);
    }
    return r;
  }

  /** The leader's node went down: detach consumers (nothing can be delivered) and call an election. */
  leaderDown(q: Queue): void {
    this.replicas(q); // fixed from the leader the queue started with
    if (!this.leaderless.has(q)) {
      this.leaderless.set(q, [...q.consumers]);
      q.consumers.length = 0;
      this.cluster.suspend(q.proc.key);
    }
    this.tryElect(q);
  }

  /**
   * The network split: a leader that cannot reach a majority of its replicas steps down (it can
   * no longer commit), and the side with a majority elects a new one (docs/partitions.md,
   * quorum queues: "the minority side makes no progress").
   */
  partitioned(): void {
    for (const vh of this.broker.vhosts.values()) {
      for (const q of vh.queues.values()) {
        if (q.deleted || !QuorumQueues.isQuorum(q) || this.leaderless.has(q)) continue;
        const leader = this.leaderOf(q);
        const replicas = this.replicas(q);
        const seen = replicas.filter((n) => n === leader || this.cluster.reachable(leader, n)).length;
        if (seen * 2 <= replicas.length) this.leaderDown(q);
      }
    }
  }

  /** A node came back: leaderless queues may have a majority again. */
  nodeUp(): void {
    for (const q of [...this.leaderless.keys()]) this.tryElect(q);
  }

  private tryElect(q: Queue): void {
    const replicas = this.replicas(q);
    const up = replicas.filter((n) => this.cluster.isUp(n));
    const candidate = up.find(
      (n) => up.filter((o) => o === n || this.cluster.reachable(n, o)).length * 2 > replicas.length,
    );
    if (candidate === undefined) return; // no majority: unavailable until replicas return
    this.broker.sim.schedule(this.electionTimeout, () => this.elected(q, candidate));
  }

  private elected(q: Queue, node: string): void {
    const consumers = this.leaderless.get(q);
    if (consumers === undefined || q.deleted) return;
    if (!this.cluster.isUp(node)) {
      this.tryElect(q);
      return;
    }
    const old = this.leaderOf(q);
    this.leaderless.delete(q);
    this.leader.set(q, node);
    this.cluster.relocate(q.proc.key, node === q.node ? null : node);
    // consumers whose channel cannot reach the new leader (the other side of a partition) are gone
    for (const c of consumers) {
      const reach =
        c.channel.connection.node === node || this.cluster.reachable(c.channel.connection.node, node);
      if (c.channel.brokerOpen && reach && !q.consumers.includes(c)) q.consumers.push(c);
    }
    const sig = this.broker.signals.marker;
    if (sig.active) {
      sig.emit({
        time: this.broker.sim.now,
        kind: "leader-elected",
        label: `${q.key}: leader ${node} (was ${old})`,
      });
    }
    q.dispatch();
  }
}
