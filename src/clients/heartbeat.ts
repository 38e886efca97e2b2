import type { Broker } from "../amqp/broker.js";
import type { Connection } from "../amqp/connection.js";
import type { Simulator } from "../engine/simulator.js";
import type { Nanoseconds } from "../engine/time.js";

/**
 * Heartbeat detection of a node that died silently (docs/heartbeats.md): the peers exchange a
 * heartbeat frame every timeout / 2 and a peer is declared unreachable after two missed ones. So a
 * client whose node stops at t notices at t_last + timeout, t_last being its last heartbeat before
 * t (frames counted from when the connection opened): between timeout / 2 and timeout after the
 * crash. Only a crash the broker does not report sooner gets here: with `cluster.crashDetection`
 * 0 s (the OS resets the sockets) or shorter than the timeout, the client has already been told.
 * One event per watched connection per node failure; nothing runs while nodes are up.
 */
class HeartbeatWatch {
  private readonly byNode = new Map<string, Set<Watched>>();

  constructor(
    private readonly sim: Simulator,
    broker: Broker,
  ) {
    broker.runtime.onNodeDown((node) => this.nodeDown(node));
  }

  watch(conn: Connection, timeout: Nanoseconds): void {
    let set = this.byNode.get(conn.node);
    if (set === undefined) {
      set = new Set();
      this.byNode.set(conn.node, set);
    }
    for (const w of set) if (!w.conn.clientOpen) set.delete(w); // connections closed since
    set.add({ conn, timeout, since: this.sim.now });
  }

  private nodeDown(node: string): void {
    const set = this.byNode.get(node);
    if (set === undefined) return;
    const now = this.sim.now;
    for (const w of set) {
      set.delete(w);
      if (!w.conn.clientOpen) continue;
      const half = w.timeout / 2;
      const last = w.since + Math.floor((now - w.since) / half) * half;
      this.sim.scheduleAt(Math.round(last + w.timeout), missedHeartbeats, w.conn);
    }
  }
}

interface Watched {
  readonly conn: Connection;
  /** Negotiated heartbeat timeout, ns. */
  readonly timeout: Nanoseconds;
  /** When the connection opened: heartbeat frames are due every timeout / 2 from here. */
  readonly since: Nanoseconds;
}

function missedHeartbeats(conn: Connection): void {
  if (!conn.clientOpen) return; // the broker's notice (a reset) came first
  conn.clientClosed({ code: 320, text: "CONNECTION_FORCED - missed heartbeats from the server" }, true);
}

const watches = new WeakMap<Broker, HeartbeatWatch>();

/** Let `conn` notice its node's silent death after the negotiated heartbeat `timeout` (ns). */
export function watchHeartbeats(sim: Simulator, conn: Connection, timeout: Nanoseconds): void {
  if (!Number.isFinite(timeout) || timeout <= 0) return;
  let w = watches.get(conn.broker);
  if (w === undefined) {
    w = new HeartbeatWatch(sim, conn.broker);
    watches.set(conn.broker, w);
  }
  w.watch(conn, timeout);
}
