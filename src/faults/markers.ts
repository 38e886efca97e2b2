import type { BrokerSignals } from "../amqp/signals.js";
import type { ClusterRuntime } from "../cluster/cluster-runtime.js";

/** Cluster events a fault already marks itself (the fault's own marker carries `until`). */
const MARKED_BY_FAULTS = new Set(["node-crash", "node-stop", "partition", "heal"]);

/**
 * Forward what the cluster does on its own (partition-handling pauses, autoheal restarts, nodes
 * coming back, resource alarms raised and cleared) to BrokerSignals.marker, so reports show them
 * on every time axis next to the faults that caused them. Returns the unsubscribe function.
 */
export function forwardClusterMarkers(cluster: ClusterRuntime, signals: BrokerSignals): () => void {
  return cluster.events.subscribe((e) => {
    if (MARKED_BY_FAULTS.has(e.kind) || !signals.marker.active) return;
    signals.marker.emit(e);
  });
}
