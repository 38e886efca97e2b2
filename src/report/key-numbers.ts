import type { RunResult } from "../metrics/result.js";
import { formatCount, formatRate, formatSeconds } from "./format.js";

/** The handful of numbers a reader wants first, as label / value text pairs. */
export function keyNumbers(r: RunResult): [string, string][] {
  const s = r.summary;
  const maxDepth = Object.values(s.queues).reduce((a, q) => Math.max(a, q.depth.max), 0);
  const lat = s.latency;
  return [
    ["published", `${formatCount(s.counts.published)} (${formatRate(s.throughput.published)})`],
    ["consumed", `${formatCount(s.counts.consumed)} (${formatRate(s.throughput.consumed)})`],
    ["latency p50", lat.count ? formatSeconds(lat.p50) : "—"],
    ["latency p99", lat.count ? formatSeconds(lat.p99) : "—"],
    ["latency p99.9", lat.count ? formatSeconds(lat.p999) : "—"],
    ["max queue depth", formatCount(maxDepth)],
    [
      "lost / dropped",
      `${formatCount(s.counts.lost)} / ${formatCount(s.counts.dropped + s.counts.unroutable + s.counts.expired)}`,
    ],
    ["fates", r.fates.conserved ? "all accounted for" : "DO NOT BALANCE"],
    ...(r.slo && typeof r.slo.pass === "boolean"
      ? [["SLO", r.slo.pass ? "met" : "MISSED"] as [string, string]]
      : []),
  ];
}

/** One line about the run: scenario, seed, overrides, versions, simulated time. */
export function runLine(r: RunResult): string {
  const sc = r.scenario;
  const sets = sc.overrides === undefined ? "" : `${sc.overrides.map((s) => `--set ${s}`).join(" ")} · `;
  return (
    `scenario ${sc.name} · seed ${sc.seed} · ${sets}RabbitMQ ${sc.brokerVersion} model · ` +
    `${formatSeconds(r.run.endTime)} simulated (${r.run.events} events, stopped: ${r.run.stopReason}) · ` +
    `${r.generator.name} ${r.generator.version}`
  );
}
