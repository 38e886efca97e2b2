import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

/** The BUILT CLI (npm test builds first; a bare `vitest run` builds here if dist/ is missing). */
const MAIN = "dist/src/cli/main.js";

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    encoding: "utf8",
    env: { ...process.env, FORCE_COLOR: "0" },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

let tmp = "";

beforeAll(() => {
  if (!existsSync(MAIN)) {
    const b = spawnSync("npx", ["tsc", "-p", "tsconfig.build.json"], { encoding: "utf8" });
    if (b.status !== 0) throw new Error(`build failed:\n${b.stdout}${b.stderr}`);
  }
  tmp = mkdtempSync(join(tmpdir(), "amqpsim-cli-"));
});

describe("amqpsim run", () => {
  it("runs a bundled scenario by name, prints the summary and writes the report folder (exit 0)", () => {
    const out = join(tmp, "a");
    const r = cli("run", "hello-world", "--out", out);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^scenario hello-world/);
    expect(r.stdout).toContain("consumed");
    expect(r.stdout).toContain(`report: ${join(out, "hello-world")}/index.html`);
    const dir = join(out, "hello-world");
    const files = readdirSync(dir).sort();
    expect(files).toEqual(expect.arrayContaining(["index.html", "result.json", "summary.md", "charts"]));
    expect(files.some((f) => f.endsWith(".csv"))).toBe(true);
    expect(readdirSync(join(dir, "charts")).filter((f) => f.endsWith(".svg")).length).toBeGreaterThan(3);
    const result = JSON.parse(readFileSync(join(dir, "result.json"), "utf8"));
    expect(result.format).toBe("amqpsim-result");
    expect(result.scenario.name).toBe("hello-world");
    // the scenario layer's application-latency section is part of the page and summary.md
    expect(readFileSync(join(dir, "index.html"), "utf8")).toContain('id="application-latency"');
    expect(readFileSync(join(dir, "summary.md"), "utf8")).toContain("| consumer receiver | 100 |");
    // no temporary folder is left behind
    expect(readdirSync(out)).toEqual(["hello-world"]);
  });

  it("result.json is byte-identical across two runs of the same scenario and seed", () => {
    const a = cli("run", "scenarios/work-queues.yaml", "--out", join(tmp, "d1"), "--quiet");
    const b = cli("run", "scenarios/work-queues.yaml", "--out", join(tmp, "d2"), "--quiet");
    expect([a.code, b.code]).toEqual([0, 0]);
    const ra = readFileSync(join(tmp, "d1/work-queues/result.json"));
    const rb = readFileSync(join(tmp, "d2/work-queues/result.json"));
    expect(ra.equals(rb)).toBe(true);
    expect(
      readFileSync(join(tmp, "d1/work-queues/index.html")).equals(
        readFileSync(join(tmp, "d2/work-queues/index.html")),
      ),
    ).toBe(true);
  });

  it("--seed and --set change the run and are recorded in it; a rerun replaces the old report in place", () => {
    const out = join(tmp, "s");
    expect(cli("run", "work-queues", "--out", out, "--quiet").code).toBe(0);
    const first = readFileSync(join(out, "work-queues/result.json"), "utf8");
    expect(JSON.parse(first).scenario.overrides).toBeUndefined();
    const r = cli(
      "run",
      "work-queues",
      "--out",
      out,
      "--quiet",
      "--seed",
      "9",
      "--set",
      "producers.dispatcher.rate=10/s",
    );
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(join(out, "work-queues/index.html"));
    const second = JSON.parse(readFileSync(join(out, "work-queues/result.json"), "utf8"));
    expect(second.scenario.seed).toBe(9);
    expect(second.scenario.overrides).toEqual(["producers.dispatcher.rate=10/s"]);
    // the report says what produced it
    const line = "seed 9 · --set producers.dispatcher.rate=10/s · RabbitMQ";
    expect(readFileSync(join(out, "work-queues/index.html"), "utf8")).toContain(line);
    expect(readFileSync(join(out, "work-queues/summary.md"), "utf8")).toContain(line);
    expect(second.summary.counts.published).toBeLessThan(JSON.parse(first).summary.counts.published / 2);
    expect(readdirSync(out)).toEqual(["work-queues"]);
  });

  it("--format json prints the summary as JSON", () => {
    const r = cli("run", "hello-world", "--out", join(tmp, "j"), "--format", "json");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.summary.counts.published).toBe(100);
    expect(j.report).toBe(join(tmp, "j", "hello-world"));
    expect(j.extensions.clientLatency.byConsumer.receiver.count).toBe(100);
  });

  it("--no-report writes nothing", () => {
    const r = cli("run", "hello-world", "--out", join(tmp, "none"), "--no-report");
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("report:");
    expect(existsSync(join(tmp, "none"))).toBe(false);
  });

  it("an invalid scenario exits with 2 and lists its problems without a stack trace", () => {
    const r = cli("run", "test/cli/fixtures/five-mistakes.yaml", "--out", join(tmp, "bad"));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("test/cli/fixtures/five-mistakes.yaml:3:11: duration:");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(tmp, "bad"))).toBe(false);
  });

  it("a missed SLO exits with 1", () => {
    const r = cli("run", "hello-world", "--out", join(tmp, "slo"), "--set", "slo=latency.max<0s");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("SLO MISSED");
  });

  it("usage errors exit with 2: unknown option, bad --seed, missing file", () => {
    expect(cli("run", "hello-world", "--frobnicate").code).toBe(2);
    expect(cli("run", "hello-world", "--seed", "-3").code).toBe(2);
    const missing = cli("run", "no/such/file.yaml");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no/such/file.yaml: cannot read scenario: no such file");
  });
});

describe("amqpsim validate", () => {
  it("valid files exit 0", () => {
    const r = cli("validate", "scenarios/hello-world.yaml", "scenarios/topic-routing.yaml");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      "scenarios/hello-world.yaml: ok (hello-world)\nscenarios/topic-routing.yaml: ok (topic-routing)\n",
    );
  });

  it("a folder validates every scenario file under it", () => {
    const r = cli("validate", "scenarios");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("scenarios/work-queues.yaml: ok (work-queues)\n");
    expect(r.stdout.split("\n").length).toBeGreaterThan(10);
  });

  it("a file with five different mistakes lists all five with line:col and exits 2", () => {
    const r = cli("validate", "test/cli/fixtures/five-mistakes.yaml");
    expect(r.code).toBe(2);
    const f = "test/cli/fixtures/five-mistakes.yaml";
    expect(r.stderr.split("\n")).toEqual([
      `${f}:3:11: duration: a bare number (10) is not a duration: write the unit, e.g. "10ms"`,
      `${f}:8:15: producers.0.exchange: exchange "orders" is not declared in vhost "/"`,
      `${f}:10:31: producers.0.size: bad distribution "uniform(1KiB, 2 KiB": unexpected end of text at column 20; expected "," or ")"`,
      `${f}:14:5: consumers.0.prefetchh: unknown key "prefetchh" (did you mean "prefetch"?)`,
      `${f}:15:26: consumers.0.nack.probability: a probability is at most 1`,
      "5 problems",
      "",
    ]);
  });
});

describe("amqpsim schema, list, report, import, --help", () => {
  it("schema prints the committed JSON Schema", () => {
    const r = cli("schema");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync("schema/scenario.schema.json", "utf8"));
  });

  it("list shows every bundled scenario with its description", () => {
    const r = cli("list");
    expect(r.code).toBe(0);
    for (const n of ["hello-world", "work-queues", "publisher-confirms", "dead-letter-retry"]) {
      expect(r.stdout).toMatch(new RegExp(`^${n} +\\S`, "m"));
    }
  });

  it("report re-renders a result.json into the same files without re-running", () => {
    const out = join(tmp, "r1");
    expect(cli("run", "hello-world", "--out", out, "--quiet").code).toBe(0);
    const again = join(tmp, "r2");
    const r = cli("report", join(out, "hello-world/result.json"), "--out", again);
    expect(r.code).toBe(0);
    for (const f of ["index.html", "summary.md", "result.json"]) {
      expect(readFileSync(join(again, "hello-world", f), "utf8")).toBe(
        readFileSync(join(out, "hello-world", f), "utf8"),
      );
    }
    const bad = join(tmp, "not-a-result.json");
    writeFileSync(bad, "{}");
    expect(cli("report", bad).code).toBe(2);
  });

  it("import turns a definitions export into a scenario that validates and runs", () => {
    const file = join(tmp, "imported.yaml");
    const r = cli("import", "test/cli/fixtures/definitions.json", "--name", "shop", "-o", file);
    expect(r.code).toBe(0);
    const yaml = readFileSync(file, "utf8");
    expect(yaml).toContain("x-dead-letter-exchange: dlx");
    expect(yaml).not.toContain("publish-dlx"); // dead-letter exchanges get no placeholder producer
    expect(yaml).toContain("message-ttl: 1m");
    expect(yaml).toContain("x-max-length-bytes: 1048576B");
    expect(yaml).toMatch(/exchange "delayed" has type x-delayed-message/);
    expect(yaml).toContain('queue "orders.dead" is a stream queue, modelled as a classic queue');
    expect(yaml).toContain("applyTo: queues"); // RabbitMQ 4's classic_queues
    expect(cli("validate", file).code).toBe(0);
    expect(cli("run", file, "--out", join(tmp, "imp"), "--quiet", "--set", "duration=2s").code).toBe(0);
  });

  it("every command has --help (exit 0)", () => {
    for (const c of ["run", "validate", "list", "schema", "report", "import", "trace"]) {
      const r = cli(c, "--help");
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: amqpsim /);
    }
    expect(cli("--help").code).toBe(0);
    expect(cli("nosuchcommand").code).toBe(2);
  });

  it("the examples in --help name entities that exist: every --set / --vary / --param path they use validates", () => {
    let checked = 0;
    for (const c of ["run", "sweep", "saturate"]) {
      const help = cli(c, "--help").stdout;
      for (const line of help.split("\n")) {
        const m = /amqpsim \w+ (scenarios\/\S+\.yaml) (.*)$/.exec(line.trim());
        if (!m) continue;
        // a path=value of the example as a --set (for a range, its first value)
        for (const p of m[2]!.matchAll(/--(?:set|vary|param) (\S+?)=([^\s.,]+)/g)) {
          const r = cli("validate", m[1]!, "--set", `${p[1]}=${p[2]}`);
          expect(r.stderr, `${c} --help: ${line.trim()}`).toBe("");
          expect(r.code).toBe(0);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(3);
  });
});

describe("amqpsim trace", () => {
  it("narrates a message from its publish to its ack", () => {
    const r = cli("trace", "hello-world", "--first", "1");
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toBe("amqpsim trace: the first 1 message in hello-world (seed 1)");
    expect(
      lines.slice(1).map((l) => l.replace(/^\s+[\d.]+ s {2}/, "").replace(/[\d.]+ s in/, "T s in")),
    ).toEqual([
      "sender publishes #1 to exchange '' with routing key 'hello' (64 B)",
      "default exchange: every queue is bound by its name, so #1 goes to queue 'hello'",
      "#1 enqueued in 'hello' on rabbit-1 (ready 1, unacked 0)",
      "#1 delivered from 'hello' to receiver after T s in the queue",
      "#1 acked by receiver",
    ]);
  });

  it("folds a step repeated for many queues (a fanout to 20 agents), and --no-fold prints every one", () => {
    const args = [
      "trace",
      "scenarios/openstack/neutron-agents-at-scale.yaml",
      "--flow",
      "port-update#1",
      "--set",
      "rpc.services.q-agent-notifier-port-update.hosts=20",
    ];
    const folded = cli(...args);
    const full = cli(...args, "--no-fold");
    expect([folded.code, full.code]).toEqual([0, 0]);
    const bindings = (text: string) =>
      text.split("\n").filter((l) => / matches: a fanout exchange ignores the key$/.test(l));
    expect(bindings(full.stdout)).toHaveLength(20);
    expect(bindings(folded.stdout)).toHaveLength(4); // the first three and the last
    expect(folded.stdout).toContain(
      "… the step above 16 more times for other queues or hosts (--no-fold prints them)",
    );
    expect(folded.stdout.split("\n").length).toBeLessThan(full.stdout.split("\n").length / 3);
  });
});
