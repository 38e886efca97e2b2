import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";

describe("deploy/k8s Indexed Job example", () => {
  const docs = parseAllDocuments(readFileSync("deploy/k8s/sweep-job.yaml", "utf8")).map((d) => d.toJS());
  const job = docs.find((d) => d.kind === "Job");

  it("is an Indexed Job whose AMQPSIM_SHARDS equals its completions (the shard count)", () => {
    expect(job.spec.completionMode).toBe("Indexed");
    const env = job.spec.template.spec.containers[0].env as { name: string; value: string }[];
    expect(Number(env.find((e) => e.name === "AMQPSIM_SHARDS")!.value)).toBe(job.spec.completions);
  });

  it("runs a sweep into the folder the merge Job reads", () => {
    const args = job.spec.template.spec.containers[0].args as string[];
    expect(args[0]).toBe("sweep");
    const out = args[args.indexOf("--out") + 1];
    const merge = parseAllDocuments(readFileSync("deploy/k8s/merge-job.yaml", "utf8"))[0]!.toJS();
    expect(merge.spec.template.spec.containers[0].args.slice(0, 2)).toEqual(["merge", out]);
  });
});
