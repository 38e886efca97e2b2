import * as z from "zod";
import { type Distribution, parseDistribution } from "../../engine/distributions.js";
import type { Nanoseconds } from "../../engine/time.js";
import { parseDuration, parseRate, parseSize, UnitError } from "../../engine/units.js";

/**
 * Field builders for values with units. Every unit-bearing value is a string with its unit
 * written ("250ms", "200/s", "2KiB", "exp(10ms)"): a bare number is an error that says which
 * unit to write, never a guess. Parsing happens in the schema (a zod transform), so the
 * validated Scenario holds resolved values (ns, per second, bytes, Distribution objects), and a
 * bad token is reported at its column inside the value (the issue carries `params.offset`).
 */

function unitText(what: string, example: string, description: string) {
  return z
    .string({
      error: (iss) =>
        typeof iss.input === "number"
          ? `a bare number (${iss.input}) is not a ${what}: write the unit, e.g. "${example}"`
          : iss.input === undefined
            ? undefined
            : `expected a ${what} such as "${example}"`,
    })
    .meta({ description, examples: [example] });
}

function parsed<T>(
  what: string,
  example: string,
  description: string,
  parse: (text: string) => T,
): z.ZodPipe<z.ZodString, z.ZodTransform<Awaited<T>, string>> {
  return unitText(what, example, description).transform((text, ctx) => {
    try {
      return parse(text);
    } catch (e) {
      if (e instanceof UnitError) {
        ctx.issues.push({
          code: "custom",
          message: e.message + flowMappingHint(text),
          input: text,
          params: { offset: e.offset },
        });
        return z.NEVER;
      }
      // parameter errors (e.g. uniform(3ms, 1ms)) point at the whole value
      ctx.issues.push({ code: "custom", message: (e as Error).message, input: text });
      return z.NEVER;
    }
  });
}

/**
 * YAML splits a `{ ... }` mapping at every comma, so `{ latency: lognormal(median=2ms, p99=20ms) }`
 * reaches us as "lognormal(median=2ms": an opening parenthesis with neither a comma nor a closing
 * one after it is that mistake (a quoted value keeps its commas).
 */
function flowMappingHint(text: string): string {
  return text.includes("(") && !text.includes(")") && !text.includes(",")
    ? ' (inside { } YAML splits values at commas: quote the value, e.g. "lognormal(median=2ms, p99=20ms)")'
    : "";
}

/** A duration: "250us", "10ms", "2s", "5m", "1h". Resolves to integer nanoseconds. */
export const duration = (description = "A duration with its unit: ns, us, ms, s, m, h.") =>
  parsed<Nanoseconds>("duration", "10ms", description, parseDuration);

/** A rate: "200/s", "3/min", "10/h". Resolves to events per second. */
export const rate = (description = "A rate with its unit: 200/s, 3/min, 10/h.") =>
  parsed<number>("rate", "200/s", description, parseRate);

/** A size: "512B", "2KiB", "1MB". Resolves to bytes. */
export const size = (description = "A size with its unit: B, KB, KiB, MB, MiB, GB, GiB.") =>
  parsed<number>("size", "2KiB", description, parseSize);

const DIST_EXAMPLES = {
  duration: "exp(10ms)",
  size: "uniform(512B, 4KiB)",
  number: "uniform(0, 9)",
} as const;

/**
 * A distribution: "exp(10ms)", "const(5ms)", "uniform(1ms, 3ms)",
 * "lognormal(median=2ms, p99=20ms)", "empirical(1ms:0.5, 5ms:0.5)"; a plain value ("10ms") is
 * a constant. Duration samples are integer ns, size samples bytes.
 */
export const distribution = (kind: "duration" | "size" | "number", description?: string) =>
  parsed<Distribution>(
    `${kind} distribution`,
    DIST_EXAMPLES[kind],
    description ??
      `A ${kind} distribution: a constant ("${kind === "duration" ? "10ms" : kind === "size" ? "1KiB" : "3"}") or ` +
        "const(x), exp(mean), uniform(a, b), normal(mean, sd), lognormal(median=, p99=), gamma(shape, scale), " +
        "erlang(k, mean), pareto(scale, shape), weibull(shape, scale), empirical(v:w, ...).",
    (text) => parseDistribution(text, kind),
  );

/** `schema` (a unit field) must resolve to a value > 0; `why` says what zero would mean. */
export const positive = <T extends z.ZodType<number>>(schema: T, why: string) =>
  schema.refine((v: number) => v > 0, { message: `must be more than 0: ${why}` });

/** A probability in [0, 1]. */
export const probability = (description: string) =>
  z.number().min(0, "a probability is at least 0").max(1, "a probability is at most 1").meta({ description });

/** An entity name (exchange, queue, producer ...): non-empty. */
export const entityName = (what: string) =>
  z
    .string()
    .min(1, `a ${what} name cannot be empty`)
    .meta({ description: `The ${what}'s name.` });

/** Names a RabbitMQ virtual host; "/" is the default one. */
export const vhostName = () =>
  z
    .string()
    .min(1, "a vhost name cannot be empty")
    .default("/")
    .meta({ description: "Virtual host (default /)." });

/** Header / argument values as AMQP tables carry them in scenarios: strings, numbers, booleans. */
export const tableValue = z.union([z.string(), z.number(), z.boolean()]);
export const table = (description: string) => z.record(z.string(), tableValue).meta({ description });

/** A non-negative integer count. */
export const count = (description: string, min = 0) =>
  z
    .number()
    .int("must be a whole number")
    .min(min, min === 0 ? "cannot be negative" : `must be at least ${min}`)
    .meta({ description });
