import * as z from "zod";
import { parseDuration, UnitError } from "../../engine/units.js";
import { combineSlos, parseSlo, type Slo, SloError } from "../../metrics/slo.js";
import type { Warmup } from "../../metrics/warmup.js";
import type { SectionCheck } from "./section.js";

const SLO_EXAMPLE = "latency.p99<30s and throughput.consumed>=900/s";

/** One SLO expression, parsed; a bad token is reported at its column (params.offset). */
const sloText = z
  .string({ error: () => `expected an SLO expression such as "${SLO_EXAMPLE}"` })
  .transform((text, ctx): Slo => {
    try {
      return parseSlo(text);
    } catch (e) {
      if (e instanceof SloError) {
        ctx.issues.push({ code: "custom", message: e.message, input: text, params: { offset: e.offset } });
        return z.NEVER;
      }
      throw e;
    }
  });

/**
 * The `slo:` section: objectives over the run's summary (dotted paths to numeric leaves, units
 * written), checked by `amqpsim run` (exit code 1 when missed) and per point by `amqpsim sweep`.
 * One expression or a list whose items must all hold. The `warmup:` key sets how much of the run
 * start sweeps discard before their steady-state statistics (`steady.*` summary paths).
 */
export const sloShape = {
  slo: z
    .union([sloText, z.array(sloText).min(1)])
    .transform((v) => (Array.isArray(v) ? combineSlos(v) : v))
    .optional()
    .meta({
      description:
        `Service level objectives, e.g. "${SLO_EXAMPLE}" or a list of such clauses (all must hold). ` +
        "Paths address numeric leaves of the result summary (latency in seconds, rates per second). " +
        "`amqpsim run` exits with code 1 when one is missed.",
      examples: [SLO_EXAMPLE],
    }),
  warmup: z
    .string({ error: () => 'expected "mser5", "none" or a duration such as "30s"' })
    .transform((text, ctx): Warmup => {
      const t = text.trim();
      if (t === "mser5") return { kind: "mser5" };
      if (t === "none") return { kind: "none" };
      try {
        return { kind: "fixed", ns: parseDuration(t) };
      } catch (e) {
        if (e instanceof UnitError) {
          ctx.issues.push({
            code: "custom",
            message: `${e.message} (or "mser5" / "none")`,
            input: text,
            params: { offset: e.offset },
          });
          return z.NEVER;
        }
        throw e;
      }
    })
    .optional()
    .meta({
      description:
        'Start of the run discarded before steady-state statistics (steady.* in sweeps): "mser5" (default, ' +
        'the MSER-5 truncation heuristic over delivery latencies), "none", or a duration such as "30s".',
      examples: ["mser5", "30s"],
    }),
};

export const sloChecks: readonly SectionCheck[] = [];
