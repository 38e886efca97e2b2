import { describe, expect, it } from "vitest";
import { BrokerSignals } from "../../src/amqp/signals.js";
import { seconds } from "../../src/engine/time.js";
import { RunCollector } from "../../src/metrics/collector.js";
import { renderReport, renderTextSummary } from "../../src/report/index.js";
import { HOSTILE, syntheticResult } from "./fixture.js";

const result = syntheticResult();
const { files } = renderReport(result);

const TIME_CHARTS = [
  "rates-total",
  "rates-exchanges",
  "rates-queues-delivered",
  "rates-queues-consumed",
  "queue-depth-ready",
  "queue-depth-unacked",
  "latency-over-time",
  "consumer-utilisation",
];
const OTHER_CHARTS = ["latency-histogram", "latency-cdf", "fates", "topology"];

describe("renderReport", () => {
  it("writes index.html, summary.md, one SVG per chart and the CSV time series", () => {
    for (const id of [...TIME_CHARTS, ...OTHER_CHARTS]) expect(files).toHaveProperty(`charts/${id}.svg`);
    for (const f of ["index.html", "summary.md", "rates.csv", "queue-depth.csv", "latency.csv"]) {
      expect(files).toHaveProperty(f);
    }
    for (const f of ["consumer-utilisation.csv", "latency-histogram.csv"]) expect(files).toHaveProperty(f);
  });

  it("every time chart has a time axis with its unit, a y label with a unit, data paths, a legend and the fault marker", () => {
    for (const id of TIME_CHARTS) {
      const svg = files[`charts/${id}.svg`]!;
      expect(svg, id).toContain(">simulated time (s)</text>");
      expect(svg, id).toMatch(
        /class="axis-label" transform="[^"]+"[^>]*>[^<]*(\/ s|\(%\)|\(s\)|\(ms\)|bin\))<\/text>/,
      );
      expect(svg, id).toMatch(/<path d="M[\d.]+,[\d.]+[LC]/);
      expect(svg, id).toContain('class="legend"');
      expect(svg, id).toContain('<g class="marker" data-kind="consumer-stall">');
      // the stall band runs from 20 s to 26 s of 60 s
      expect(svg, id).toMatch(
        /<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="\d+" fill="#6b6b6b" fill-opacity="0.12"\/>/,
      );
    }
  });

  it("the latency histogram has one bar per non-empty bucket on a log axis, and the CDF marks p50/p99/p99.9", () => {
    const hist = files["charts/latency-histogram.svg"]!;
    const nonZero = result.histograms.latency.buckets.filter((b) => b.lower > 0).length;
    expect(hist.match(/<rect [^>]*fill="#0072B2"><title>/g)).toHaveLength(nonZero);
    expect(hist).toContain("log scale)</text>");
    const cdf = files["charts/latency-cdf.svg"]!;
    expect(cdf).toContain('<path class="cdf" d="M');
    for (const p of ["p50", "p99", "p99.9"]) expect(cdf).toContain(`>${p} `);
  });

  it("the fates chart shows every fate with its count; the topology shows each node and edge count", () => {
    const fates = files["charts/fates.svg"]!;
    for (const [fate, n] of Object.entries(result.fates.total)) {
      expect(fates).toContain(`<title>${fate}: ${n}</title>`);
    }
    const topo = files["charts/topology.svg"]!;
    expect(topo.match(/<g class="node" data-kind="queue">/g)).toHaveLength(2);
    expect(topo.match(/<g class="node" data-kind="consumer">/g)).toHaveLength(2);
    expect(topo.match(/<g class="edge">/g)).toHaveLength(5); // 1 producer, 2 bindings, 2 consumers
    const billing = result.topology.bindings.find((b) => b.destination === "billing")!;
    expect(topo).toContain(`(key &quot;order.created&quot;): ${billing.messages} messages`);
  });

  it("scenario text is escaped everywhere: a queue named <script>alert(1)</script> renders as text", () => {
    // CSV is data, not markup: it keeps the name as written (quoted per RFC 4180)
    for (const [path, text] of Object.entries(files).filter(([p]) => !p.endsWith(".csv"))) {
      expect(text.toLowerCase(), path).not.toContain("<script");
    }
    expect(files["index.html"]).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(files["charts/queue-depth-ready.svg"]).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(files["summary.md"]).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("index.html inlines every chart and forbids scripts and network loads", () => {
    const html = files["index.html"]!;
    const inlined = html.match(/<figure class="chart" id="chart-[^"]+"><svg /g) ?? [];
    expect(inlined).toHaveLength(TIME_CHARTS.length + OTHER_CHARTS.length);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(html).not.toMatch(/(src|href)="https?:/);
  });

  it("summary.md links every chart and has the queue table", () => {
    const md = files["summary.md"]!;
    for (const id of [...TIME_CHARTS, ...OTHER_CHARTS]) expect(md).toContain(`](charts/${id}.svg)`);
    expect(md).toMatch(/\| billing \| 17\d \|/); // depth max of billing after the 6 s stall
  });

  it("CSV time series have a header with units and one row per bin", () => {
    const rates = files["rates.csv"]!.trimEnd().split("\n");
    expect(rates[0]).toMatch(/^time_s,published_per_s,/);
    expect(rates).toHaveLength(result.timeSeries.time.length + 1);
    expect(files["queue-depth.csv"]!.split("\n")[0]).toContain(`queue ${HOSTILE} ready_mean`);
  });

  it("is deterministic: the same result renders byte-identical files, and the same seed gives the same result", () => {
    expect(renderReport(syntheticResult()).files).toEqual(files);
    expect(JSON.stringify(syntheticResult())).toBe(JSON.stringify(result));
    expect(JSON.stringify(syntheticResult(8))).not.toBe(JSON.stringify(result));
  });

  it("sections compose: an extra section renderer adds its charts, files and tables", () => {
    const extra = renderReport(result, {
      extraSections: [
        (r) => ({
          id: "rpc",
          title: "RPC <calls>",
          charts: [
            {
              id: "rpc-test",
              title: "t",
              svg: `<svg xmlns="http://www.w3.org/2000/svg">${r.scenario.seed}</svg>`,
            },
          ],
          html: "<p>rpc table</p>",
          markdown: "rpc md",
          files: { "rpc.csv": "a,b\n" },
        }),
        () => null,
      ],
    }).files;
    expect(extra["charts/rpc-test.svg"]).toContain(">7</svg>");
    expect(extra["rpc.csv"]).toBe("a,b\n");
    expect(extra["index.html"]).toContain('<section id="rpc">\n<h2>RPC &lt;calls&gt;</h2>');
    expect(extra["summary.md"]).toContain("rpc md");
  });

  it("an SLO in the result gets a section and a header card; a missed clause reads MISSED", () => {
    const slo = {
      slo: "latency.p99<30s and throughput.consumed>=900/s",
      pass: false,
      clauses: [
        { clause: "latency.p99<30s", path: "latency.p99", op: "<", threshold: 30, actual: 4.88, pass: true },
        {
          clause: "throughput.consumed>=900/s",
          path: "throughput.consumed",
          op: ">=",
          threshold: 900,
          actual: 63.5,
          pass: false,
        },
      ],
    };
    const f = renderReport({ ...result, slo }).files;
    expect(f["index.html"]).toContain('<div class="k">SLO</div><div class="v">MISSED</div>');
    expect(f["index.html"]).toMatch(/<td>throughput.consumed&gt;=900\/s<\/td>.*<td>MISSED<\/td>/);
    expect(f["summary.md"]).toContain("**SLO missed.**");
    expect(files["index.html"]).not.toContain('id="slo"');
  });

  it("a run with no messages renders every chart with a 'no data' note instead of failing", () => {
    const empty = new RunCollector(new BrokerSignals(), { binWidth: seconds(1) }).finish({
      scenario: { name: "empty", description: "", seed: 1, brokerVersion: "3.13", duration: 5 },
      endTime: seconds(5),
      events: 0,
      stopReason: "empty",
      generatorVersion: "0.1.0",
    });
    const f = renderReport(empty).files;
    expect(f["charts/latency-histogram.svg"]).toContain("no samples in this run");
    expect(f["charts/rates-queues-delivered.svg"]).toContain("no queue in this run");
    expect(f["charts/topology.svg"]).toContain("no topology recorded");
    expect(renderTextSummary(empty)).toContain("no samples");
  });
});

describe("renderTextSummary", () => {
  const text = renderTextSummary(result);
  it("shows control characters in scenario names as \\xNN, so a name cannot drive the terminal", () => {
    const evil = "q\u001b[31mred";
    const r2 = {
      ...result,
      summary: { ...result.summary, queues: { [evil]: result.summary.queues.billing! } },
    };
    const t = renderTextSummary(r2);
    expect(t).not.toContain("\u001b");
    expect(t).toContain("q\\x1b[31mred");
  });

  it("prints PerfTest-style rates, latency percentiles, per-queue depth and fates", () => {
    expect(text).toMatch(/^published +[\d.k]+\/s {2}\(/m);
    expect(text).toMatch(/^confirmed /m);
    expect(text).toMatch(/^returned /m);
    expect(text).toMatch(/^consumed /m);
    expect(text).toMatch(
      /latency \(publish → delivery\) min\/median\/75th\/95th\/99th\/99\.9th\/max: (\S+ \/ ){6}\S+ {2}\(/,
    );
    expect(text).toMatch(/^billing +17\d +[\d.]+ +1\.\d+k/m);
    expect(text).toContain("(every copy accounted for)");
    expect(text).toContain("20s  consumer-stall: billing consumers stall (until 26s)");
  });
});
