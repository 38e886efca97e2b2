import { NS_PER_MS } from "../engine/time.js";
import { AmqpError, REPLY } from "./errors.js";
import type { FieldTable } from "./message.js";
import type { Overflow, QueueArgs } from "./queue.js";

const OVERFLOWS = new Set<string>(["drop-head", "reject-publish", "reject-publish-dlx"]);

/**
 * Validate and parse queue x-arguments (rabbit_amqqueue.erl check_* functions): wrong types or
 * ranges are 406 PRECONDITION_FAILED, as RabbitMQ answers queue.declare.
 */
export function parseQueueArgs(args: FieldTable, queue: string, vhost: string): QueueArgs {
  const bad = (arg: string, why: string): AmqpError =>
    new AmqpError(
      REPLY.PRECONDITION_FAILED,
      `invalid arg '${arg}' for queue '${queue}' in vhost '${vhost}': ${why}`,
    );
  const int = (arg: string, min: number): number | undefined => {
    const v = args[arg];
    if (v === undefined) return undefined;
    if (typeof v !== "number" || !Number.isInteger(v)) throw bad(arg, `{unacceptable_type,${typeof v}}`);
    if (v < min) throw bad(arg, min === 1 ? `{value_zero,${v}}` : `{value_negative,${v}}`);
    return v;
  };
  const str = (arg: string): string | undefined => {
    const v = args[arg];
    if (v === undefined) return undefined;
    if (typeof v !== "string") throw bad(arg, `{unacceptable_type,${typeof v}}`);
    return v;
  };
  const ttl = int("x-message-ttl", 0);
  const expires = int("x-expires", 1);
  const overflow = str("x-overflow") ?? "drop-head";
  if (!OVERFLOWS.has(overflow)) throw bad("x-overflow", `{invalid_value,"${overflow}"}`);
  const maxPriority = int("x-max-priority", 0);
  if (maxPriority !== undefined && maxPriority > 255)
    throw bad("x-max-priority", `{value_too_large,${maxPriority},255}`);
  const sac = args["x-single-active-consumer"];
  if (sac !== undefined && typeof sac !== "boolean")
    throw bad("x-single-active-consumer", "{unacceptable_type}");
  return {
    messageTtl: ttl === undefined ? undefined : ttl * NS_PER_MS,
    expires: expires === undefined ? undefined : expires * NS_PER_MS,
    maxLength: int("x-max-length", 0),
    maxLengthBytes: int("x-max-length-bytes", 0),
    overflow: overflow as Overflow,
    deadLetterExchange: str("x-dead-letter-exchange"),
    deadLetterRoutingKey: str("x-dead-letter-routing-key"),
    maxPriority: maxPriority === 0 ? undefined : maxPriority,
    singleActiveConsumer: sac === true,
    queueType: str("x-queue-type") ?? "classic",
  };
}
