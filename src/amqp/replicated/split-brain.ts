import type { ClusterRuntime } from "../../cluster/cluster-runtime.js";
import type { Broker } from "../broker.js";
import type { QueuedMessage } from "../message.js";
import type { Queue } from "../queue.js";
import type { MirroredQueues } from "./mirrored.js";
import type { Replication } from "./replication.js";

/**
 * Split brain of classic mirrored queues under cluster_partition_handling = ignore
 * (versioned_docs/version-3.13/partitions.md, reference §F "ignore leaves both sides accepting
 * work, and one side's changes are lost when healed").
 *
 * Once the nodes notice the partition (net_ticktime after the cut), each side thinks the other
 * side's nodes are down: on every side without the queue's leader, a mirror there is promoted and
 * becomes a second leader. Publishers connected to that side publish into it and are confirmed
 * (once that side's mirrors have the copy); the original leader's confirms stop waiting for the
 * mirrors it cannot see. When the partition heals nothing merges: the operator restarts the
 * losing side, whose changes are discarded. Here the losing side is every side without the
 * original leader, and its discards are the messages its promoted leader still held: fate lost,
 * cause partition-heal (confirmedLost when their publisher had been confirmed).
 *
 * Simplified: the promoted leader starts empty (its copy of the older messages, which would come
 * back as duplicates, is not modelled); consumers stay attached to the original leader (a
 * consumer on the split-off side receives nothing until the heal); the operator's restart is
 * instant at the heal and takes no node down.
 */
export class SplitBrain {
  /** Original queue -> node -> the promoted leader serving publishers on that node's side. */
  private readonly shadows = new Map<Queue, Map<string, Queue>>();
  /** Detected partition: node -> side index (empty when none is detected). */
  private side = new Map<string, number>();

  constructor(
    private readonly broker: Broker,
    private readonly cluster: ClusterRuntime,
    private readonly mirrored: MirroredQueues,
    private readonly replication: Replication,
    /** Records a lost copy (with confirmedBeforeLoss) the way the failure handler does. */
    private readonly lose: (q: Queue, qm: QueuedMessage) => void,
  ) {
    if (cluster.config.partitionHandling !== "ignore") return;
    cluster.onPartition((groups) => {
      broker.sim.schedule(cluster.config.netTicktime, () => {
        if (cluster.partition === groups) this.detected(groups);
      });
    });
    cluster.onHeal(() => this.healed());
    mirrored.separated = (a, b) => this.apart(a, b);
    // a run that ends split: what the promoted leaders hold is still queued there
    broker.addFinisher(() => {
      for (const sides of this.shadows.values()) {
        for (const s of new Set(sides.values())) {
          for (const qm of s.drainReady()) broker.recordFate(qm.msg.id, s.key, "queued");
        }
      }
      this.shadows.clear();
    });
  }

  /** Whether a detected partition separates nodes a and b. */
  apart(a: string, b: string): boolean {
    if (this.side.size === 0) return false;
    const sa = this.side.get(a);
    const sb = this.side.get(b);
    return sa !== undefined && sb !== undefined && sa !== sb;
  }

  /** Publishes from a channel on `node`: a queue with a promoted leader on its side goes there. */
  redirect(targets: (Queue | null)[], node: string): void {
    if (this.shadows.size === 0) return;
    for (let i = 0; i < targets.length; i++) {
      const t = targets[i];
      if (t === null || t === undefined) continue;
      const s = this.shadows.get(t)?.get(node);
      if (s !== undefined) targets[i] = s;
    }
  }

  private detected(groups: readonly (readonly string[])[]): void {
    const listed = new Set(groups.flat());
    const all = [...groups, this.cluster.nodes.filter((n) => !listed.has(n))].filter((g) => g.length > 0);
    this.side = new Map(all.flatMap((g, i) => g.map((n) => [n, i] as const)));
    // confirms on the original leaders stop waiting for mirrors on the other side
    this.replication.separated(
      (q) => this.mirrored.isMirrored(q),
      (a, b) => this.apart(a, b),
    );
    const Classic = this.broker.queueTypes.get("classic")!;
    for (const vh of this.broker.vhosts.values()) {
      for (const q of vh.queues.values()) {
        if (q.deleted || !this.mirrored.isMirrored(q)) continue;
        const r = this.mirrored.replicasOf(q, true);
        if (r === undefined || !this.cluster.isUp(r.leader)) continue;
        for (const g of all) {
          if (g.includes(r.leader)) continue;
          const m = r.followers.find((n) => g.includes(n));
          if (m === undefined) continue;
          const s = new Classic(
            this.broker,
            q.vhost,
            q.name,
            m,
            q.durable,
            false,
            false,
            q.args,
            q.parsed,
            undefined,
          );
          let sides = this.shadows.get(q);
          if (sides === undefined) {
            sides = new Map();
            this.shadows.set(q, sides);
          }
          for (const n of g) sides.set(n, s);
          const sig = this.broker.signals.marker;
          if (sig.active) {
            sig.emit({
              time: this.broker.sim.now,
              kind: "split-brain",
              label: `${q.key}: mirror on ${m} promoted beside the leader on ${r.leader} (split brain)`,
            });
          }
        }
      }
    }
  }

  private healed(): void {
    this.side = new Map();
    if (this.shadows.size === 0) return;
    let lost = 0;
    for (const sides of this.shadows.values()) {
      for (const s of new Set(sides.values())) {
        s.deleted = true;
        for (const qm of s.drainReady()) {
          this.lose(s, qm);
          lost++;
        }
      }
    }
    this.shadows.clear();
    const sig = this.broker.signals.marker;
    if (sig.active) {
      sig.emit({
        time: this.broker.sim.now,
        kind: "split-brain-healed",
        label: `partition healed: the split-off side's changes discarded (${lost} messages lost)`,
      });
    }
  }
}
