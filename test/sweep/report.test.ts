import { describe, expect, it } from "vitest";
import { renderXyChart } from "../../src/report/sweep/chart.js";
import { renderSweepCsv, renderSweepHtml, renderSweepText } from "../../src/report/sweep/index.js";
import { aggregate } from "../../src/sweep/aggregate.js";
import type { RunRecord, SweepSpec } from "../../src/sweep/result.js";
import { parseVary } from "../../src/sweep/vary.js";

const d = parseVary("producers.p.rate=100/s..500/s:100/s");
const spec: SweepSpec = {
  scenario: { name: "<script>alert(1)</script>", sha256: "0".repeat(64) },
  seed: 1,
  seeding: "common",
  replications: 3,
  confidence: 0.95,
  sets: [],
  vary: [{ path: d.path, kind: d.kind, values: d.values, numeric: d.numeric }],
  slo: "latency.p99<0.05s",
  analysis: { latency: "latency.p99", offered: "throughput.published", throughput: "throughput.consumed" },
};
const runs: RunRecord[] = [];
for (let point = 0; point < 5; point++) {
  const rate = 100 * (point + 1);
  for (let replication = 0; replication < 3; replication++) {
    const p99 = rate < 400 ? 4.6 / (400 - rate) + replication * 0.001 : 10 + replication;
    runs.push({
      point,
      replication,
      seed: replication,
      summary: {
        latency: { p50: p99 / 4, p95: p99 / 1.5, p99 },
        throughput: { published: rate, consumed: Math.min(rate, 400) - replication },
      },
    });
  }
}
const result = aggregate(spec, runs);

describe("sweep report", () => {
  it("the HTML has the latency chart with CI bands, SLO marks, threshold and knee, and the throughput chart", () => {
    const html = renderSweepHtml(result);
    expect(html).toContain('data-chart="sweep-latency"');
    expect(html).toContain('data-chart="sweep-throughput"');
    expect(html.match(/class="ci-band"/g)?.length).toBeGreaterThanOrEqual(3);
    expect(html.match(/class="slo-pass"/g)?.length).toBe(3);
    expect(html.match(/class="slo-fail"/g)?.length).toBe(2);
    expect(html).toContain("SLO latency.p99&lt;0.05s");
    expect(html).toMatch(/knee 300\/s/);
    expect(html).toContain("saturation at 500/s");
    expect(html).toContain(
      "Saturation (throughput.consumed below 95 % of throughput.published): <b>producers.p.rate = 500/s</b>",
    );
    expect(html).toContain("producers.p.rate (per second)");
  });

  it("escapes scenario text", () => {
    const html = renderSweepHtml(result);
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("the CSV has one row per point with mean and CI columns per metric and the SLO columns", () => {
    const csv = renderSweepCsv(result).trimEnd().split("\n");
    expect(csv).toHaveLength(6);
    expect(csv[0]).toBe(
      "point,producers.p.rate,latency.p50.mean,latency.p50.ci_lo,latency.p50.ci_hi,latency.p95.mean,latency.p95.ci_lo,latency.p95.ci_hi,latency.p99.mean,latency.p99.ci_lo,latency.p99.ci_hi,throughput.published.mean,throughput.published.ci_lo,throughput.published.ci_hi,throughput.consumed.mean,throughput.consumed.ci_lo,throughput.consumed.ci_hi,slo.pass,slo.confident,slo.pass_fraction",
    );
    expect(csv[1]!.startsWith("0,100/s,")).toBe(true);
    expect(csv[5]!.endsWith(",false,false,0")).toBe(true);
  });

  it("the text summary states the answer", () => {
    const text = renderSweepText(result);
    expect(text).toContain("knee of latency.p99: producers.p.rate=300/s");
    expect(text).toContain('largest producers.p.rate meeting "latency.p99<0.05s": 300/s');
  });

  it("rendering is deterministic", () => {
    expect(renderSweepHtml(result)).toBe(renderSweepHtml(aggregate(spec, [...runs].reverse())));
  });
});

describe("sweep charts of quantities that cannot be negative", () => {
  it("a confidence band reaching below 0 is drawn from 0: no negative tick on the axis", () => {
    const chart = (nonNegative: boolean) =>
      renderXyChart({
        id: "lat",
        title: "latency",
        xLabel: "rate",
        yLabel: "latency",
        xFormat: (v) => `${v}/s`,
        yFormat: (v) => `${v}s`,
        series: [
          {
            label: "p99",
            points: [
              { x: 10, y: 0.001, lo: -0.03, hi: 0.032 },
              { x: 20, y: 0.05, lo: 0.02, hi: 0.08 },
            ],
          },
        ],
        nonNegative,
      });
    expect(chart(false)).toMatch(/>-0\.0\d+s</);
    expect(chart(true)).not.toMatch(/>-\d/);
  });
});
