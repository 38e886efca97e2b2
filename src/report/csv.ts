import type { RunResult } from "../metrics/result.js";

/**
 * CSV files (RFC 4180, "\n" line ends): time series with one row per bin and the latency
 * histogram. Column names carry their unit. Names from the scenario are quoted when needed, and a
 * leading = + - @ is prefixed with ' so a spreadsheet never evaluates a queue name as a formula.
 */
export function renderCsvFiles(r: RunResult): Record<string, string> {
  const ts = r.timeSeries;
  const time = ts.time;
  const files: Record<string, string> = {};

  const rates: [string, readonly (number | null)[]][] = [
    ["published_per_s", ts.total.published],
    ["confirmed_per_s", ts.total.confirmed],
    ["returned_per_s", ts.total.returned],
    ["delivered_per_s", ts.total.delivered],
    ["consumed_per_s", ts.total.consumed],
  ];
  for (const [e, s] of Object.entries(ts.exchanges)) {
    rates.push(
      [`exchange ${e} published_per_s`, s.published],
      [`exchange ${e} unroutable_per_s`, s.unroutable],
    );
  }
  for (const [q, s] of Object.entries(ts.queues)) {
    rates.push(
      [`queue ${q} enqueued_per_s`, s.enqueued],
      [`queue ${q} delivered_per_s`, s.delivered],
      [`queue ${q} consumed_per_s`, s.consumed],
    );
  }
  files["rates.csv"] = table(time, rates);

  const depth: [string, readonly (number | null)[]][] = [];
  for (const [q, s] of Object.entries(ts.queues)) {
    depth.push(
      [`queue ${q} ready_mean`, s.ready],
      [`queue ${q} unacked_mean`, s.unacked],
      [`queue ${q} depth_max`, s.depthMax],
    );
  }
  files["queue-depth.csv"] = table(time, depth);

  files["latency.csv"] = table(time, [
    ["deliveries", ts.latency.count],
    ["p50_s", ts.latency.p50],
    ["p95_s", ts.latency.p95],
    ["p99_s", ts.latency.p99],
  ]);

  files["consumer-utilisation.csv"] = table(
    time,
    Object.entries(ts.consumers).map(([g, s]): [string, readonly number[]] => [
      `${g} utilisation`,
      s.utilisation,
    ]),
  );

  const hist = ["measure,lower_s,upper_s,count"];
  for (const [name, h] of Object.entries(r.histograms)) {
    for (const b of h.buckets) hist.push(`${name},${b.lower},${b.upper},${b.count}`);
  }
  files["latency-histogram.csv"] = `${hist.join("\n")}\n`;
  return files;
}

function table(time: readonly number[], cols: readonly [string, readonly (number | null)[]][]): string {
  const rows = [["time_s", ...cols.map(([n]) => n)].map(cell).join(",")];
  for (let i = 0; i < time.length; i++) {
    rows.push([time[i]!, ...cols.map(([, v]) => v[i] ?? "")].map(cell).join(","));
  }
  return `${rows.join("\n")}\n`;
}

export function cell(v: string | number): string {
  if (typeof v === "number") return String(v);
  let s = v;
  if (/^[=+\-@]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
