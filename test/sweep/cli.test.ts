import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

/** The BUILT CLI: shards run as separate processes, as they would on separate machines. */
const MAIN = "dist/src/cli/main.js";
const FILE = "test/sweep/fixtures/mmc.yaml";
// 2 x 2 grid, 3 replications, 1 s runs: 12 short runs
const GRID = [
  "--vary",
  "consumers.servers.count=3,4",
  "--vary",
  "producers.arrivals.rate=600/s,700/s",
  "--replications",
  "3",
  "--set",
  "duration=1s",
  "--quiet",
];

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the CLI without blocking, so several shards run at once; resolves to "exit code: stderr". */
function cliAsync(args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [MAIN, ...args], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    p.stderr.on("data", (d) => {
      stderr += String(d);
    });
    p.on("close", (code) => resolve(`${code ?? -1}: ${stderr}`));
  });
}

let tmp = "";
beforeAll(() => {
  if (!existsSync(MAIN)) {
    const b = spawnSync("npx", ["tsc", "-p", "tsconfig.build.json"], { encoding: "utf8" });
    if (b.status !== 0) throw new Error(`build failed:\n${b.stdout}${b.stderr}`);
  }
  tmp = mkdtempSync(join(tmpdir(), "amqpsim-sweep-"));
});

describe("amqpsim sweep / merge (built CLI)", () => {
  it("sweep.json is byte-identical for --workers 1 and 2, and for 3 shards run as separate processes + merge", async () => {
    const w1 = join(tmp, "w1");
    const w2 = join(tmp, "w2");
    const parts = join(tmp, "parts");
    const merged = join(tmp, "merged");
    const [a, b, ...shards] = await Promise.all([
      cliAsync(["sweep", FILE, ...GRID, "--workers", "1", "--out", w1]),
      cliAsync(["sweep", FILE, ...GRID, "--workers", "2", "--out", w2]),
      cliAsync(["sweep", FILE, ...GRID, "--workers", "1", "--shard", "0/3", "--out", parts]),
      cliAsync(["sweep", FILE, ...GRID, "--workers", "1", "--shard", "2/3", "--out", parts]),
      // shard 1 takes its index from the environment, as a Kubernetes Indexed Job pod does
      cliAsync(["sweep", FILE, ...GRID, "--workers", "1", "--out", parts], {
        JOB_COMPLETION_INDEX: "1",
        AMQPSIM_SHARDS: "3",
      }),
    ]);
    expect([a, b, ...shards]).toEqual(["0: ", "0: ", "0: ", "0: ", "0: "]);
    expect(readdirSync(parts).sort()).toEqual([
      "sweep.part-0-of-3.json",
      "sweep.part-1-of-3.json",
      "sweep.part-2-of-3.json",
    ]);
    const m = cli(["merge", parts, "--out", merged, "--quiet"]);
    expect(m.stderr).toBe("");
    expect(m.code).toBe(0);
    const one = readFileSync(join(w1, "sweep.json"), "utf8");
    expect(JSON.parse(one).points).toHaveLength(4);
    expect(readFileSync(join(w2, "sweep.json"), "utf8")).toBe(one);
    expect(readFileSync(join(merged, "sweep.json"), "utf8")).toBe(one);
    expect(readFileSync(join(merged, "index.html"), "utf8")).toBe(
      readFileSync(join(w1, "index.html"), "utf8"),
    );
    expect(readdirSync(w1).sort()).toEqual(["charts", "index.html", "sweep.csv", "sweep.json"]);
  });

  it("merge refuses an incomplete set of shards (exit 2, names the missing shard)", () => {
    const parts = join(tmp, "partial");
    expect(cli(["sweep", FILE, ...GRID, "--workers", "1", "--shard", "0/2", "--out", parts]).code).toBe(0);
    const m = cli(["merge", parts, "--out", join(tmp, "never")]);
    expect(m.code).toBe(2);
    expect(m.stderr).toContain("missing shard(s) 1/2");
    expect(existsSync(join(tmp, "never"))).toBe(false);
  });

  it("bad --vary syntax, units and unknown paths are usage errors that say what was expected", () => {
    const syntax = cli(["sweep", FILE, "--vary", "producers.arrivals.rate=100/s..500/s"]);
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toMatch(/without ":STEP".*expected PATH=V1,V2/);
    const units = cli(["sweep", FILE, "--vary", "producers.arrivals.rate=100/s..5s:100/s"]);
    expect(units.code).toBe(2);
    expect(units.stderr).toMatch(/a duration in a range that starts with a rate/);
    const path = cli(["sweep", FILE, "--vary", "producers.nope.rate=1/s,2/s"]);
    expect(path.code).toBe(2);
    expect(path.stderr).toMatch(/at point 0 \(producers\.nope\.rate=1\/s\)/);
    expect(path.stderr).toMatch(/no entry named "nope"/);
    const value = cli(["sweep", FILE, "--vary", "producers.arrivals.rate=5ms,10ms"]);
    expect(value.code).toBe(2);
    expect(value.stderr).toContain(
      'bad rate "5ms": unknown unit "ms" at column 2; expected one of /s, /min, /h',
    );
    expect(value.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("saturate finds the largest arrival rate meeting the SLO and the next step that fails", () => {
    const r = cli([
      "saturate",
      FILE,
      "--param",
      "producers.arrivals.rate=400/s..1180/s:20/s",
      "--slo",
      "queueWait.mean<5ms",
      "--replications",
      "2",
      "--set",
      "duration=1s",
      "--workers",
      "1",
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const m =
      /largest producers\.arrivals\.rate meeting "queueWait\.mean<5ms" on the mean of the replications: (\d+)\/s/.exec(
        r.stdout,
      );
    expect(m, r.stdout).not.toBeNull();
    // Erlang C for c = 3, μ = 400/s: Wq = 5 ms at λ ≈ 1035/s; short runs are noisy
    expect(Number(m![1])).toBeGreaterThanOrEqual(900);
    expect(Number(m![1])).toBeLessThanOrEqual(1140);
    expect(r.stdout).toContain("next step fails: producers.arrivals.rate=");
  });
});
