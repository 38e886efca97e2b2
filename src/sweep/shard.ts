/**
 * Shards: splitting one sweep's runs over N independent processes or machines (a Kubernetes
 * Indexed Job runs N pods, pod i with JOB_COMPLETION_INDEX=i). Runs are dealt round-robin over
 * the (point, replication) list — run j = point·R + replication goes to shard j mod N — so every
 * shard gets a similar mix of cheap and expensive points.
 */
export interface Shard {
  /** 0-based. */
  readonly index: number;
  readonly count: number;
}

export class ShardError extends Error {
  override readonly name = "ShardError";
}

const SHARD_SYNTAX = 'I/N with 0 <= I < N, e.g. "--shard 0/4"';

/** Parse "i/N". */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (m === null) throw new ShardError(`bad --shard "${text}": expected ${SHARD_SYNTAX}`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (!(count >= 1)) throw new ShardError(`bad --shard "${text}": the shard count must be >= 1`);
  if (!(index < count)) {
    throw new ShardError(
      `bad --shard "${text}": index ${index} is not below the count ${count} (indices are 0-based)`,
    );
  }
  return { index, count };
}

/** Environment variables a sharded sweep reads when --shard is not given. */
export const SHARD_INDEX_ENV = "JOB_COMPLETION_INDEX";
export const SHARD_COUNT_ENV = "AMQPSIM_SHARDS";

/**
 * The shard from the environment: index from JOB_COMPLETION_INDEX (set by Kubernetes in an
 * Indexed Job), count from AMQPSIM_SHARDS (set it to the Job's `completions`; Kubernetes does
 * not expose that to the pod). Undefined when JOB_COMPLETION_INDEX is unset.
 */
export function shardFromEnv(env: Readonly<Record<string, string | undefined>>): Shard | undefined {
  const index = env[SHARD_INDEX_ENV];
  if (index === undefined || index === "") return undefined;
  const count = env[SHARD_COUNT_ENV];
  if (count === undefined || count === "") {
    throw new ShardError(
      `${SHARD_INDEX_ENV}=${index} is set but ${SHARD_COUNT_ENV} is not: set ${SHARD_COUNT_ENV} to the number of shards (the Job's completions), or pass --shard I/N`,
    );
  }
  return parseShard(`${index}/${count}`);
}

/** Whether run j (= point · replications + replication) belongs to `shard`. */
export function inShard(run: number, shard: Shard): boolean {
  return run % shard.count === shard.index;
}
