import { describe, expect, it } from "vitest";
import { formatProblem, type Problem, parseScenarioText, ScenarioError } from "../../src/scenario/index.js";

/** Problems of a text that must not validate. */
function problems(text: string, opts: { sets?: string[]; files?: Record<string, string> } = {}): Problem[] {
  const files = opts.files ?? {};
  try {
    parseScenarioText(text, "s.yaml", {
      sets: opts.sets ?? [],
      readFile: (p) => {
        const t = files[p];
        if (t === undefined) throw Object.assign(new Error("ENOENT"), { code: "ENOENT" });
        return t;
      },
    });
  } catch (e) {
    if (e instanceof ScenarioError) return [...e.problems];
    throw e;
  }
  throw new Error("expected the scenario to be invalid");
}

const lines = (ps: Problem[]) => ps.map(formatProblem);

const GOOD = `name: ok
duration: 10s
queues: [{ name: q }]
producers: [{ name: p, exchange: "", routingKey: q, rate: 10/s }]
consumers: [{ name: c, queue: q, processing: exp(5ms) }]
`;

describe("scenario validation", () => {
  it("a file with five different mistakes lists all five, each with line and column", () => {
    const text = [
      "name: five-mistakes", // 1
      "duration: 10", // 2  bare number: no unit
      "queues:", // 3
      "  - name: work", // 4
      "producers:", // 5
      "  - name: p", // 6
      "    exchange: orders", // 7  undeclared exchange
      "    rate: 100/s", // 8
      '    size: "uniform(1KiB, 2 KiB"', // 9  bad distribution
      "consumers:", // 10
      "  - name: c", // 11
      "    queue: work", // 12
      "    prefetchh: 10", // 13 unknown key
      "    nack: { probability: 1.5 }", // 14 impossible value
    ].join("\n");
    expect(lines(problems(text))).toEqual([
      's.yaml:2:11: duration: a bare number (10) is not a duration: write the unit, e.g. "10ms"',
      's.yaml:7:15: producers.0.exchange: exchange "orders" is not declared in vhost "/"',
      's.yaml:9:31: producers.0.size: bad distribution "uniform(1KiB, 2 KiB": unexpected end of text at column 20; expected "," or ")"',
      's.yaml:13:5: consumers.0.prefetchh: unknown key "prefetchh" (did you mean "prefetch"?)',
      "s.yaml:14:26: consumers.0.nack.probability: a probability is at most 1",
    ]);
  });

  it("a valid file loads with units resolved: durations in ns, rates per second, distributions as objects", () => {
    const s = parseScenarioText(GOOD, "s.yaml");
    expect(s.duration).toBe(10_000_000_000);
    expect(s.producers[0]!.rate).toBe(10);
    expect(s.consumers[0]!.processing.mean).toBe(5_000_000);
    expect(s.seed).toBe(1);
    expect(s.broker.version).toBe("3.13");
  });

  it("a bad unit inside a value is reported at its own column", () => {
    const [p] = problems(GOOD.replace("rate: 10/s", "rate: 10/fortnight"));
    expect(p!.line).toBe(4);
    // the unit "/fortnight" is 2 characters into the value
    expect(p!.col).toBe(GOOD.split("\n")[3]!.indexOf("10/s") + 1 + 2);
    expect(p!.message).toMatch(/bad rate "10\/fortnight"/);
  });

  it("an undeclared queue gets the closest declared name as a suggestion", () => {
    const ps = problems(GOOD.replace("queue: q,", "queue: qq,"));
    expect(lines(ps)).toEqual([
      's.yaml:5:31: consumers.0.queue: queue "qq" is not declared in vhost "/" (did you mean "q"?)',
    ]);
  });

  it("an unknown enum value lists the accepted ones and suggests the closest", () => {
    const ps = problems(`${GOOD}exchanges: [{ name: x, type: topik }]\n`);
    expect(ps[0]!.message).toBe(
      '"topik" is not one of direct, fanout, topic, headers (did you mean "topic"?)',
    );
    expect(ps[0]!.line).toBe(6);
  });

  it("a quoted broker version is required, because YAML reads 3.10 as the number 3.1", () => {
    const ps = problems(`${GOOD}broker: { version: 3.10 }\n`);
    expect(ps[0]!.path).toBe("broker.version");
    expect(ps[0]!.message).toMatch(/quoted string/);
  });

  it("missing required keys are named", () => {
    const ps = problems("queues: []\n");
    expect(ps.map((p) => p.message).sort()).toEqual([
      '"duration" is required (string)',
      '"name" is required (string)',
    ]);
  });

  it("YAML syntax errors are reported with their position and nothing else is checked", () => {
    const ps = problems("name: x\nqueues: [a, b\n");
    expect(ps).toHaveLength(1);
    expect(ps[0]!.message).toMatch(/^YAML: /);
    expect(ps[0]!.line).toBeGreaterThan(1);
  });

  it("a producer needs exactly one way to say how often it publishes", () => {
    const ps = problems(GOOD.replace("rate: 10/s", "rate: 10/s, bursts: { size: 5, every: 1s }"));
    expect(ps.map((p) => p.message)).toEqual([
      "give only one of rate, bursts, ramp, schedule (found rate and bursts)",
    ]);
  });

  it("a consumer that starts after the run ends is an impossible value", () => {
    const ps = problems(GOOD.replace("processing: exp(5ms)", "processing: exp(5ms), start: 20s"));
    expect(ps[0]!.path).toBe("consumers.0.start");
  });

  it("bindings must point at declared exchanges and queues, and the default exchange cannot be bound", () => {
    const ps = problems(`${GOOD}bindings: [{ exchange: "", queue: q }, { exchange: nope, queue: nada }]\n`);
    expect(ps.map((p) => `${p.path}: ${p.message}`)).toEqual([
      "bindings.0.exchange: the default exchange cannot be bound (403 ACCESS_REFUSED)",
      'bindings.1.exchange: exchange "nope" is not declared in vhost "/"',
      'bindings.1.queue: queue "nada" is not declared in vhost "/"',
    ]);
  });
});

describe("--set overrides", () => {
  it("set values by dotted path, list index or list entry name, read as YAML", () => {
    const s = parseScenarioText(GOOD, "s.yaml", {
      sets: ["producers.p.rate=500/s", "consumers.0.prefetch=1", "seed=42", "stop.whenDrained=true"],
    });
    expect(s.producers[0]!.rate).toBe(500);
    expect(s.consumers[0]!.prefetch).toBe(1);
    expect(s.seed).toBe(42);
    expect(s.stop?.whenDrained).toBe(true);
  });

  it("a bad override value is reported against the --set argument, at the column inside the value", () => {
    const ps = problems(GOOD, { sets: ["producers.p.rate=5/fortnight"] });
    expect(lines(ps)).toEqual([
      '--set producers.p.rate:1:2: producers.0.rate: bad rate "5/fortnight": unknown unit "/fortnight" at column 2; expected one of /s, /min, /h',
    ]);
  });

  it("an override naming a list entry that does not exist lists the entries", () => {
    const ps = problems(GOOD, { sets: ["producers.nobody.rate=5/s"] });
    expect(ps[0]!.message).toBe('producers has no entry named "nobody" (entries: p)');
  });
});

describe("extends", () => {
  const base = `name: base
duration: 10s
queues: [{ name: q }]
consumers: [{ name: c, queue: q, processing: exp(5ms) }]
`;

  it("a scenario extends a base file: maps merge key by key, the child's values win", () => {
    const s = parseScenarioText("extends: base.yaml\nname: child\nduration: 20s\n", "dir/child.yaml", {
      readFile: (p) => {
        expect(p).toBe("dir/base.yaml");
        return base;
      },
    });
    expect(s.name).toBe("child");
    expect(s.duration).toBe(20_000_000_000);
    expect(s.queues.map((q) => q.name)).toEqual(["q"]);
  });

  it("a problem in an inherited value points at the base file", () => {
    const ps = problems("extends: base.yaml\nname: child\n", {
      files: { "base.yaml": base.replace("exp(5ms)", "exp(5 lightyears)") },
    });
    expect(ps[0]!.file).toBe("base.yaml");
    expect(ps[0]!.line).toBe(4);
  });

  it("extends cycles are refused", () => {
    const ps = problems("extends: a.yaml\nname: x\n", {
      files: { "a.yaml": "extends: s.yaml\n", "s.yaml": "extends: a.yaml\n" },
    });
    expect(ps[0]!.message).toMatch(/^extends cycle: s\.yaml -> a\.yaml -> s\.yaml/);
  });
});

describe("topology rules", () => {
  it("an exclusive queue in the topology is refused: it would belong to amqpsim's setup connection (405)", () => {
    const ps = problems(GOOD.replace("queues: [{ name: q }]", "queues: [{ name: q, exclusive: true }]"));
    expect(ps.map((p) => p.path)).toEqual(["queues.0.exclusive"]);
    expect(ps[0]!.message).toMatch(/405 RESOURCE_LOCKED/);
  });

  it("names starting with amq. are reserved for exchanges and queues (403)", () => {
    const ps = problems(`${GOOD}exchanges: [{ name: amq.mine, type: direct }]\n`);
    expect(ps.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'exchanges.0.name: names starting with "amq." are reserved (403 ACCESS_REFUSED)',
    ]);
  });
});

describe("impossible values", () => {
  it("bursts every 0 s, a 0 s ramp, a 0/s rate and a 0 s run are refused with the reason", () => {
    const ps = problems(
      GOOD.replace("duration: 10s", "duration: 0s").replace(
        "rate: 10/s }]",
        "rate: 0/s }, { name: b, exchange: '', routingKey: q, bursts: { size: 5, every: 0s } }, { name: r, exchange: '', routingKey: q, ramp: { from: 1/s, to: 5/s, over: 0ms } }]",
      ),
    );
    expect(ps.map((p) => `${p.path}: ${p.message}`)).toEqual(
      expect.arrayContaining([
        "duration: must be more than 0: a run of 0 s simulates nothing",
        "producers.0.rate: must be more than 0: use schedule: for pauses",
        "producers.1.bursts.every: must be more than 0: bursts every 0 s would never end",
        "producers.2.ramp.over: must be more than 0: a ramp over 0 s is a step: use schedule:",
      ]),
    );
  });

  it("prefetch is a 16-bit field", () => {
    const ps = problems(GOOD.replace("processing: exp(5ms)", "processing: exp(5ms), prefetch: 70000"));
    expect(ps.map((p) => p.path)).toEqual(["consumers.0.prefetch"]);
  });
});

describe("distribution values inside a YAML { } mapping", () => {
  it("an unquoted distribution with a comma, cut by YAML, gets a hint to quote it", () => {
    const text = [
      "name: s",
      "duration: 10s",
      "queues: [{ name: q }]",
      "consumers:",
      "  - { name: c, queue: q, processing: lognormal(median=2ms, p99=20ms) }",
    ].join("\n");
    const msgs = problems(text).map((p) => p.message);
    expect(msgs.some((m) => m.includes("quote the value"))).toBe(true);
  });
});
