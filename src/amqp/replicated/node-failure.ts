import type { ClusterRuntime } from "../../cluster/cluster-runtime.js";
import type { Broker } from "../broker.js";
import type { Connection } from "../connection.js";
import type { LossCause } from "../fate.js";
import type { Message, QueuedMessage } from "../message.js";
import type { Queue } from "../queue.js";
import { type HaPolicy, MirroredQueues } from "./mirrored.js";
import { QuorumQueues } from "./quorum.js";
import { Replication } from "./replication.js";
import { SplitBrain } from "./split-brain.js";

/**
 * What a broker node going down does to the AMQP state on it (docs/queues.md#durability,
 * reference §B "Durable vs persistent", §F):
 * - connections to the node drop: the broker side is torn down at once (unacked deliveries of
 *   queues elsewhere are requeued, exclusive queues die with their connection); clients notice
 *   after `crashDetection` (0 = TCP reset) for a crash, at once for a stop or a pause;
 * - consumers of queues on the node get basic.cancel (consumer_cancel_notify);
 * - a transient (non-durable) queue on the node is deleted: its messages are lost (node-crash);
 * - a durable queue keeps only the persistent messages that were on disk (accepted before the
 *   runtime's durableCutoff); its transient messages and unsynced persistent ones are lost; on
 *   restart the survivors are ready again, in order, redelivered=true if they had been delivered.
 *
 * - deliveries of its queues unacked on channels on OTHER nodes: the consumer's later ack goes to
 *   a queue process that is gone and settles nothing. Persistent ones on disk go back to the
 *   durable queue and come back redelivered on restart (a duplicate if the consumer had
 *   processed them); the others stay with the consumer, acked if it acks them, lost if it
 *   returns them or its channel closes first.
 * Copies on the wire to the node when it went down end the run "in-flight".
 */
export class NodeFailureHandler {
  /**
   * msgIds whose publisher got a positive confirm (for confirmedBeforeLoss): one byte per id.
   * Ids are dense integers from 1 (Broker.allocMsgId), so a flat array replaces a Set that grew
   * by every confirmed message of the run (millions of entries at scale: rehashing and GC).
   */
  private confirmed = new Uint8Array(1024);
  private readonly recovered = new Map<Queue, QueuedMessage[]>();
  /** When each node that is down now went down (ns): what its quorum replicas missed since. */
  private readonly downSince = new Map<string, number>();
  readonly quorum: QuorumQueues;
  readonly mirrored: MirroredQueues;
  readonly replication: Replication;
  readonly splitBrain: SplitBrain;

  constructor(
    private readonly broker: Broker,
    private readonly cluster: ClusterRuntime,
    /** The ha-* policy of a classic queue (mirrored queues exist up to RabbitMQ 3.13). */
    haPolicy: (q: Queue) => HaPolicy | undefined = () => undefined,
  ) {
    this.quorum = new QuorumQueues(broker, cluster, cluster.config.quorumElectionTimeout);
    this.mirrored = new MirroredQueues(broker, cluster, haPolicy, (q, qm) =>
      this.lose(q, qm, "mirror-promotion"),
    );
    this.replication = new Replication(cluster, [this.quorum, this.mirrored]);
    broker.replication = this.replication;
    this.splitBrain = new SplitBrain(broker, cluster, this.mirrored, this.replication, (q, qm) =>
      this.lose(q, qm, "partition-heal"),
    );
    broker.splitBrain = this.splitBrain;
    // a durable classic queue whose node is down cannot be redeclared elsewhere (rabbit_amqqueue:
    // "home node ... of durable queue ... is down or inaccessible", NOT_FOUND); replicated queues
    // move to a live replica instead
    broker.queueUnavailable = (q) => {
      if (QuorumQueues.isQuorum(q) || this.mirrored.isMirrored(q)) return undefined;
      const node = this.leaderOf(q);
      return cluster.isUp(node)
        ? undefined
        : `home node '${node}' of durable queue '${q.name}' in vhost '${q.vhost.name}' is down or inaccessible`;
    };
    cluster.onHeal(() => this.replication.resend());
    broker.signals.confirmed.subscribe((s) => {
      if (s.ack) this.markConfirmed(s.msgId);
    });
    cluster.onNodeDown((node) => this.nodeDown(node));
    cluster.onPartition(() => this.quorum.partitioned());
    cluster.onNodeUp((node) => this.nodeUp(node));
    // a run that ends during an outage: what waits for recovery is still queued (on disk)
    broker.addFinisher(() => {
      for (const [q, kept] of this.recovered) {
        for (const qm of kept) broker.recordFate(qm.msg.id, q.key, "queued");
      }
      this.recovered.clear();
    });
  }

  /** Connections to `node` still open on the broker side. */
  connectionsOn(node: string): number {
    let n = 0;
    for (const c of this.broker.connections) if (c.node === node && c.brokerOpen) n++;
    return n;
  }

  /** The node serving `q` now (replicated queues move). */
  leaderOf(q: Queue): string {
    return this.mirrored.leaderOf(q) ?? this.quorum.leaderOf(q); // else where the runtime runs it
  }

  private queuesOn(node: string): Queue[] {
    const out: Queue[] = [];
    for (const vh of this.broker.vhosts.values()) {
      for (const q of vh.queues.values()) if (this.leaderOf(q) === node && !q.deleted) out.push(q);
    }
    return out;
  }

  /**
   * Quorum queues with a replica on `node`, now back, send it the messages appended while it was
   * down (Raft log catch-up; a log far behind would get a snapshot instead, not modelled). Copies
   * still waiting for a confirm went again through resend(); these are the ones confirmed without it.
   */
  private catchUpQuorumFollowers(node: string): void {
    const since = this.downSince.get(node);
    this.downSince.delete(node);
    if (since === undefined) return;
    for (const vh of this.broker.vhosts.values()) {
      for (const q of vh.queues.values()) {
        if (q.deleted || !QuorumQueues.isQuorum(q) || !this.quorum.replicas(q).includes(node)) continue;
        const missed: Message[] = [];
        for (const qm of q.readyMessages()) if (qm.enqueuedAt >= since) missed.push(qm.msg);
        this.replication.catchUp(q, node, missed);
      }
    }
  }

  private nodeDown(node: string): void {
    if (!this.downSince.has(node)) this.downSince.set(node, this.broker.sim.now);
    this.replication.mirrorGone((q) => this.mirrored.isMirrored(q), node);
    const all = this.queuesOn(node);
    // 1. replicated queues led from here move: a mirror is promoted at once, quorum replicas
    // elect a leader (consumers detached until then); consumers of the other queues here are
    // cancelled, so requeues below cannot dispatch to them
    const queues: Queue[] = [];
    for (const q of all) {
      if (QuorumQueues.isQuorum(q)) this.quorum.leaderDown(q);
      else if (!(this.mirrored.isMirrored(q) && this.mirrored.leaderDown(q))) queues.push(q);
    }
    for (const q of queues) {
      for (const c of [...q.consumers]) c.channel.serverCancel(c);
      q.consumers.length = 0;
    }
    // 2. its connections drop
    const cause = this.cluster.downCause(node);
    const delay = cause === "crash" ? this.cluster.config.crashDetection : 0;
    const text =
      cause === "pause" ? "node paused (partition handling)" : `broker node ${node} ${cause ?? "down"}`;
    const dropped: Connection[] = [];
    for (const c of [...this.broker.connections]) {
      if (c.node !== node || !c.brokerOpen) continue;
      c.brokerTeardown();
      dropped.push(c);
    }
    if (dropped.length > 0) {
      this.broker.sim.schedule(delay, () => {
        for (const c of dropped) {
          if (c.clientOpen) c.clientClosed({ code: 320, text: `CONNECTION_FORCED - ${text}` }, true);
        }
      });
    }
    // 2b. deliveries of its queues unacked on channels elsewhere go back to the queue (their
    // acks now go to a queue process that is gone): on disk they return, redelivered, on restart
    const cutoff = this.cluster.durableCutoff(node);
    const here = new Set(queues);
    const onDisk = (q: Queue, qm: QueuedMessage) => q.durable && qm.msg.persistent && qm.enqueuedAt <= cutoff;
    for (const c of this.broker.connections) {
      if (!c.brokerOpen) continue;
      for (const ch of c.channels.values()) {
        for (const { queue, qm } of ch.orphanDeliveries(here, onDisk)) {
          queue.unackedCount--;
          queue.requeue(qm);
        }
      }
    }
    // 3. its queues lose what was not on disk
    for (const q of queues) {
      if (q.deleted) continue; // exclusive / auto-delete queues that went with their connection
      const ready = q.drainReady();
      if (!q.durable) {
        for (const qm of ready) this.lose(q, qm, "node-crash");
        this.broker.deleteQueue(q, "node-crash");
        continue;
      }
      const kept: QueuedMessage[] = [];
      for (const qm of ready) {
        if (qm.msg.persistent && qm.enqueuedAt <= cutoff) kept.push(qm);
        else this.lose(q, qm, "node-crash");
      }
      this.recovered.set(q, kept);
    }
  }

  private nodeUp(node: string): void {
    this.replication.resend(node);
    this.catchUpQuorumFollowers(node);
    this.quorum.nodeUp();
    this.mirrored.nodeUp(node);
    for (const q of this.queuesOn(node)) {
      const kept = this.recovered.get(q);
      if (kept === undefined) continue;
      this.recovered.delete(q);
      for (const qm of kept) {
        const wasDelivered = qm.redelivered || qm.deliveries > 0;
        q.requeue(qm);
        qm.redelivered = wasDelivered;
      }
      q.dispatch();
    }
  }

  private markConfirmed(id: number): void {
    if (id >= this.confirmed.length) {
      let n = this.confirmed.length * 2;
      while (n <= id) n *= 2;
      const grown = new Uint8Array(n);
      grown.set(this.confirmed);
      this.confirmed = grown;
    }
    this.confirmed[id] = 1;
  }

  /** Record a lost copy, flagging it when its publisher had been told it was safe. */
  private lose(q: Queue, qm: QueuedMessage, cause: LossCause): void {
    const b = this.broker;
    b.ledger.record(q.key, "lost");
    const sig = b.signals.fate;
    if (sig.active) {
      const id = qm.msg.id;
      sig.emit(
        this.confirmed[id] === 1
          ? {
              time: b.sim.now,
              msgId: id,
              queue: q.key,
              fate: "lost",
              lossCause: cause,
              confirmedBeforeLoss: true,
            }
          : { time: b.sim.now, msgId: id, queue: q.key, fate: "lost", lossCause: cause },
      );
    }
  }

  /** Messages held for recovery on a down node (for tests and summaries). */
  awaitingRecovery(): number {
    let n = 0;
    for (const v of this.recovered.values()) n += v.length;
    return n;
  }
}
