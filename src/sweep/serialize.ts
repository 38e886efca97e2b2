import { aggregate } from "./aggregate.js";
import {
  PARTIAL_FORMAT,
  type PartialResult,
  type RunRecord,
  type SweepResult,
  type SweepSpec,
} from "./result.js";
import type { Shard } from "./shard.js";

/** sweep.json text: 2-space JSON and a final newline. Same result, same bytes. */
export function sweepJson(result: SweepResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

/** A shard's partial result as file text. */
export function partialJson(spec: SweepSpec, shard: Shard, runs: readonly RunRecord[]): string {
  const partial: PartialResult = {
    format: PARTIAL_FORMAT,
    spec,
    shard: { index: shard.index, count: shard.count },
    runs,
  };
  return `${JSON.stringify(partial)}\n`;
}

/** Partial results that cannot be merged (different sweeps, missing or duplicated shards). */
export class MergeError extends Error {
  override readonly name = "MergeError";
}

/**
 * Merge the partial results of one sweep into the result a single process would produce. Every
 * partial must carry the same spec (scenario text digest, seed, grid, replications ...) and the
 * same shard count, and the shards must cover every run exactly once. `sources` name the inputs
 * in messages.
 */
export function mergePartials(partials: readonly { source: string; text: string }[]): SweepResult {
  if (partials.length === 0) throw new MergeError("no partial results to merge");
  const parsed = partials.map(({ source, text }) => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new MergeError(`${source}: not JSON (${(e as Error).message})`);
    }
    const p = value as Partial<PartialResult>;
    if (p === null || typeof p !== "object" || p.format !== PARTIAL_FORMAT) {
      throw new MergeError(
        `${source}: not an amqpsim partial sweep result (format "${PARTIAL_FORMAT}" expected)`,
      );
    }
    return { source, partial: p as PartialResult };
  });
  const first = parsed[0]!;
  const specText = JSON.stringify(first.partial.spec);
  const count = first.partial.shard.count;
  const seen = new Map<number, string>();
  for (const { source, partial } of parsed) {
    if (JSON.stringify(partial.spec) !== specText) {
      throw new MergeError(
        `${source} is from a different sweep than ${first.source} (scenario text, seed, --vary, --set, --replications, --seeding or --slo differ)`,
      );
    }
    if (partial.shard.count !== count) {
      throw new MergeError(
        `${source} is shard ${partial.shard.index}/${partial.shard.count}, ${first.source} has ${count} shards`,
      );
    }
    const dup = seen.get(partial.shard.index);
    if (dup !== undefined)
      throw new MergeError(`${source} and ${dup} are both shard ${partial.shard.index}/${count}`);
    seen.set(partial.shard.index, source);
  }
  const absent: number[] = [];
  for (let i = 0; i < count; i++) if (!seen.has(i)) absent.push(i);
  if (absent.length > 0)
    throw new MergeError(`missing shard(s) ${absent.map((i) => `${i}/${count}`).join(", ")}`);
  return aggregate(
    first.partial.spec,
    parsed.flatMap((p) => p.partial.runs),
  );
}
