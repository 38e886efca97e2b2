import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderReport } from "../../src/report/index.js";
import { HOSTILE, syntheticResult } from "./fixture.js";

/**
 * Loads the report in headless Chromium (Debian's /usr/bin/chromium; .ci/run installs it when
 * missing) and checks what a reader would see: every chart rendered with content, no console error,
 * no script element, the hostile queue name shown as text. Skipped only where Chromium is absent.
 */
const CHROMIUM = "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

interface ChartInfo {
  id: string;
  width: number;
  height: number;
  /** Data marks (lines, bars, nodes) with a non-empty bounding box. */
  drawn: number;
  axisLabels: number;
}

const INSPECT_CHARTS = `Array.from(document.querySelectorAll("figure.chart")).map((f) => {
  const svg = f.querySelector("svg");
  const box = svg.getBoundingClientRect();
  const marks = svg.querySelectorAll(
    "g.series path[d^='M'], g.bars rect, path.cdf, g.bar rect, g.node rect, g.series circle");
  let drawn = 0;
  for (const m of Array.from(marks)) {
    const b = m.getBBox();
    if (b.width > 0 || b.height > 0) drawn++;
  }
  return { id: svg.getAttribute("data-chart"), width: box.width, height: box.height, drawn,
           axisLabels: svg.querySelectorAll(".axis-label").length };
})`;

describe.skipIf(!existsSync(CHROMIUM))("report in headless Chromium", () => {
  let browser: Browser;
  let dir: string;
  let chartFiles: string[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "amqpsim-report-"));
    const { files } = renderReport(syntheticResult());
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    chartFiles = Object.keys(files).filter((p) => p.startsWith("charts/"));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("index.html renders every chart with visible content and no console error", async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(pathToFileURL(join(dir, "index.html")).href);
    // browser-side code as text: the project's tsconfig has no DOM lib
    const charts = (await page.evaluate(INSPECT_CHARTS)) as ChartInfo[];
    expect(charts.map((c) => c.id).sort()).toEqual(chartFiles.map((p) => p.slice(7, -4)).sort());
    for (const c of charts) {
      expect(c.width, c.id).toBeGreaterThan(300);
      expect(c.height, c.id).toBeGreaterThan(150);
      expect(c.drawn, c.id).toBeGreaterThan(0);
      // the fates bars are labelled by category: only their value axis has a title
      expect(c.axisLabels, c.id).toBe(c.id === "topology" ? 0 : c.id === "fates" ? 1 : 2);
    }
    expect(await page.locator("script").count()).toBe(0);
    expect(await page.locator("table.data td", { hasText: HOSTILE }).count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("each standalone charts/*.svg parses as SVG and draws", async () => {
    const page = await browser.newPage();
    for (const p of chartFiles) {
      await page.goto(pathToFileURL(join(dir, p)).href);
      const ok = await page.evaluate(
        `document.documentElement.namespaceURI === "http://www.w3.org/2000/svg" &&
         document.getElementsByTagName("parsererror").length === 0 &&
         document.documentElement.getBBox().width > 0`,
      );
      expect(ok, p).toBe(true);
    }
    await page.close();
  });
});
