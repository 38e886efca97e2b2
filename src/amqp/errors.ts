/**
 * AMQP 0-9-1 reply codes the model raises (spec §1.9 constants; RabbitMQ's texts, from
 * rabbit_channel.erl / rabbit_amqqueue.erl, so conformance fixtures can compare them).
 */
export const REPLY = {
  SUCCESS: 200,
  NO_ROUTE: 312,
  ACCESS_REFUSED: 403,
  NOT_FOUND: 404,
  RESOURCE_LOCKED: 405,
  PRECONDITION_FAILED: 406,
  COMMAND_INVALID: 503,
  NOT_ALLOWED: 530,
  NOT_IMPLEMENTED: 540,
  CHANNEL_ERROR: 504,
} as const;

const NAMES: Record<number, string> = {
  312: "NO_ROUTE",
  403: "ACCESS_REFUSED",
  404: "NOT_FOUND",
  405: "RESOURCE_LOCKED",
  406: "PRECONDITION_FAILED",
  503: "COMMAND_INVALID",
  504: "CHANNEL_ERROR",
  530: "NOT_ALLOWED",
  540: "NOT_IMPLEMENTED",
};

/** A channel (or connection) exception: closes the channel with `code` and RabbitMQ's text. */
export class AmqpError extends Error {
  /** Full reply text as RabbitMQ sends it, e.g. "NOT_FOUND - no queue 'q' in vhost '/'". */
  readonly text: string;
  constructor(
    readonly code: number,
    detail: string,
  ) {
    const text = `${NAMES[code] ?? String(code)} - ${detail}`;
    super(`Channel closed by server: ${code} (${text})`);
    this.name = "AmqpError";
    this.text = text;
  }

  /** An error carrying a reply text received as is (e.g. a connection's close reason). */
  static fromText(code: number, text: string): AmqpError {
    const e = new AmqpError(code, "");
    (e as { text: string }).text = text;
    e.message = `Closed by server: ${code} (${text})`;
    return e;
  }
}

/**
 * Hard errors (AMQP 0-9-1 §1.9: 503 COMMAND_INVALID, 530 NOT_ALLOWED, 504 CHANNEL_ERROR ...)
 * close the whole connection, not just the channel.
 */
export const isConnectionError = (code: number): boolean =>
  code === 320 ||
  code === 402 ||
  (code >= 501 && code <= 506) ||
  code === 530 ||
  code === 540 ||
  code === 541;

/** Misuse of the client API (a method on a closed channel ...): a bug in the caller, not the broker. */
export class IllegalOperationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "IllegalOperationError";
  }
}

export const notFound = (kind: "exchange" | "queue", name: string, vhost: string): AmqpError =>
  new AmqpError(REPLY.NOT_FOUND, `no ${kind} '${name}' in vhost '${vhost}'`);

export const inequivalent = (
  kind: "exchange" | "queue",
  name: string,
  vhost: string,
  arg: string,
  received: unknown,
  current: unknown,
): AmqpError =>
  new AmqpError(
    REPLY.PRECONDITION_FAILED,
    `inequivalent arg '${arg}' for ${kind} '${name}' in vhost '${vhost}': received ${fmt(received)} but current is ${fmt(current)}`,
  );

function fmt(v: unknown): string {
  if (v === undefined) return "none";
  if (typeof v === "string") return `the value '${v}' of type 'longstr'`;
  if (typeof v === "number")
    return `the value '${v}' of type '${Number.isInteger(v) ? "signedint" : "double"}'`;
  return `'${String(v)}'`;
}

export const locked = (name: string, vhost: string): AmqpError =>
  new AmqpError(
    REPLY.RESOURCE_LOCKED,
    `cannot obtain exclusive access to locked queue '${name}' in vhost '${vhost}'. It could be originally declared on another connection or the exclusive property value does not match that of the original declaration.`,
  );
