import type { RunResult } from "../metrics/result.js";

interface Stats {
  readonly count?: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95?: number;
  readonly p99: number;
  readonly max: number;
}

/** Seconds as a short human duration: 850µs, 12.3ms, 1.52s. */
export function shortSeconds(s: number): string {
  if (s === 0) return "0";
  if (s < 1e-3) return `${Number((s * 1e6).toPrecision(3))}µs`;
  if (s < 1) return `${Number((s * 1e3).toPrecision(3))}ms`;
  return `${Number(s.toPrecision(3))}s`;
}

/**
 * Lines the terminal summary adds for the scenario layer's result extensions: application
 * latency (publish to handler start) per consumer / producer group, and request / reply round
 * trips. Empty when there is nothing to add.
 */
export function renderExtrasText(r: RunResult): string {
  const ext = r.extensions as Record<string, unknown> | undefined;
  const lines: string[] = [];
  const cl = ext?.clientLatency as
    | { byConsumer: Record<string, Stats>; byProducer: Record<string, Stats> }
    | undefined;
  const row = (name: string, s: Stats, width: number) =>
    `  ${name.padEnd(width)}  ${String(s.count ?? "").padStart(7)}  ${[s.mean, s.p50, s.p95 ?? 0, s.p99, s.max].map((x) => shortSeconds(x).padStart(8)).join("  ")}`;
  if (cl) {
    const names = [
      ...Object.keys(cl.byConsumer).map((n) => `consumer ${n}`),
      ...Object.keys(cl.byProducer).map((n) => `producer ${n}`),
    ];
    const width = Math.max(14, ...names.map((n) => n.length));
    lines.push("", "application latency (publish → handler start, prefetch buffer included):");
    lines.push(
      `  ${"group".padEnd(width)}  ${"count".padStart(7)}  ${["mean", "median", "p95", "p99", "max"].map((h) => h.padStart(8)).join("  ")}`,
    );
    for (const [n, s] of Object.entries(cl.byConsumer)) lines.push(row(`consumer ${n}`, s, width));
    if (Object.keys(cl.byProducer).length > 1) {
      for (const [n, s] of Object.entries(cl.byProducer)) lines.push(row(`producer ${n}`, s, width));
    }
  }
  const req = ext?.requests as
    | Record<string, { sent: number; replies: number; timeouts: number; roundTrip: Stats }>
    | undefined;
  if (req) {
    lines.push("", "requests (round trip: publish request → reply received):");
    for (const [n, g] of Object.entries(req)) {
      const t = g.roundTrip;
      lines.push(
        `  ${n}: sent ${g.sent}, replies ${g.replies}, timeouts ${g.timeouts}; round trip mean ${shortSeconds(t.mean)}, median ${shortSeconds(t.p50)}, p99 ${shortSeconds(t.p99)}, max ${shortSeconds(t.max)}`,
      );
    }
  }
  return lines.length > 0 ? `${lines.join("\n")}\n` : "";
}
