import { parseDuration } from "../engine/units.js";
import type { SpanKind } from "./span.js";
import type { StepServer, StepSpec } from "./spec.js";

const KINDS: readonly SpanKind[] = ["call", "cast", "fanout", "notify"];

/**
 * Parses a step as scenario files write it:
 *   `call scheduler.select_destinations timeout=1800s monitor=60s`
 *   `cast compute.{host}.build_and_run_instance`   ({host}: a host drawn from the topic's hosts)
 *   `call conductor.object_action x6`              (six calls, one after the other)
 *   `fanout scheduler.update_instance_info`        (one copy per scheduler process)
 *   `cast compute.{self}.refresh`                   (the caller's own host)
 *   `notify versioned_notifications.info`
 * Throws RangeError with a message saying what was expected.
 */
export function parseStep(text: string): StepSpec {
  const words = text.trim().split(/\s+/);
  const kind = words[0] as SpanKind;
  if (!KINDS.includes(kind)) {
    throw new RangeError(`step '${text}' must start with one of ${KINDS.join(", ")}`);
  }
  const target = words[1];
  if (target === undefined)
    throw new RangeError(`step '${text}' needs a target such as 'conductor.object_action'`);
  const parts = target.split(".");
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === "")) {
    throw new RangeError(
      `step target '${target}' must be 'topic.method' or 'topic.{host}.method' (or {self} or a host name)`,
    );
  }
  const service = parts[0]!;
  const method = parts[parts.length - 1]!;
  let server: StepServer = { kind: "any" };
  if (parts.length === 3) {
    const s = parts[1]!;
    if (kind === "fanout" || kind === "notify") {
      throw new RangeError(`a ${kind} goes to every subscriber: '${target}' cannot name a server`);
    }
    server =
      s === "{host}"
        ? { kind: "random-host" }
        : s === "{self}"
          ? { kind: "self" }
          : { kind: "host", host: s };
  }
  let repeat = 1;
  let timeout: number | undefined;
  let callMonitorTimeout: number | undefined;
  for (const w of words.slice(2)) {
    const rep = /^x(\d+)$/.exec(w);
    if (rep) {
      repeat = Number(rep[1]);
      if (repeat < 1) throw new RangeError(`repeat '${w}' must be at least x1`);
    } else if (w.startsWith("timeout=")) {
      timeout = parseDuration(w.slice(8));
    } else if (w.startsWith("monitor=")) {
      callMonitorTimeout = parseDuration(w.slice(8));
    } else {
      throw new RangeError(
        `unexpected '${w}' in step '${text}': expected xN, timeout=DURATION or monitor=DURATION`,
      );
    }
  }
  if (kind !== "call" && (timeout !== undefined || callMonitorTimeout !== undefined)) {
    throw new RangeError(`only a call has a timeout or a call monitor ('${text}')`);
  }
  return {
    kind,
    service,
    method,
    server,
    repeat,
    ...(timeout !== undefined ? { timeout } : {}),
    ...(callMonitorTimeout !== undefined ? { callMonitorTimeout } : {}),
  };
}

/** The step back as text (for traces and reports). */
export function formatStep(s: StepSpec): string {
  const server =
    s.server.kind === "any"
      ? ""
      : s.server.kind === "random-host"
        ? ".{host}"
        : s.server.kind === "self"
          ? ".{self}"
          : `.${s.server.host}`;
  return `${s.kind} ${s.service}${server}.${s.method}${s.repeat > 1 ? ` x${s.repeat}` : ""}`;
}
