import * as z from "zod";
import { parseDistribution } from "../../engine/distributions.js";
import { MAX_TIME } from "../../engine/time.js";
import { OSLO_DEFAULTS, type OsloOptions } from "../../rpc/options.js";
import type { MethodSpec, RpcSpec, ServiceSpec, StepSpec, WorkloadSpec } from "../../rpc/spec.js";
import { parseStep } from "../../rpc/step.js";
import { closest } from "../suggest.js";
import { count, distribution, duration, rate } from "./common.js";
import { type SectionCheck, tryParse } from "./section.js";

/**
 * The `rpc:` section: OpenStack services talking oslo.messaging over the scenario's broker. The
 * builder expands it into exchanges, queues, bindings and consumers on the AMQP model (src/rpc);
 * defaults come from reference openstack-rpc.md (§1.3 driver options, §5.3 message sizes).
 */

const step = (description: string) =>
  z
    .string()
    .meta({
      description,
      examples: [
        "call scheduler.select_destinations timeout=1800s monitor=60s",
        "cast compute.{host}.build_and_run_instance",
        "call conductor.object_action x6",
        "fanout scheduler.update_instance_info",
      ],
    })
    .transform((text, ctx): StepSpec => {
      try {
        return parseStep(text);
      } catch (e) {
        ctx.issues.push({ code: "custom", message: (e as Error).message, input: text });
        return z.NEVER;
      }
    });

const osloSchema = z
  .strictObject({
    responseTimeout: duration(
      "rpc_response_timeout (60s): call timeout and the request's per-message TTL.",
    ).optional(),
    durableQueues: z.boolean().optional().meta({ description: "amqp_durable_queues (false)." }),
    autoDelete: z.boolean().optional().meta({ description: "amqp_auto_delete (false)." }),
    haQueues: z.boolean().optional().meta({ description: "rabbit_ha_queues (false): x-ha-policy all." }),
    quorumQueues: z.boolean().optional().meta({ description: "rabbit_quorum_queue (false)." }),
    transientQuorumQueues: z
      .boolean()
      .optional()
      .meta({ description: "rabbit_transient_quorum_queue (false): quorum reply and fanout queues." }),
    transientQueuesTtl: duration(
      "rabbit_transient_queues_ttl (1800s): x-expires of reply and fanout queues.",
    ).optional(),
    prefetch: count("rabbit_qos_prefetch_count (0 = unlimited) on listener channels.").optional(),
    replyExchanges: z
      .boolean()
      .optional()
      .meta({ description: "Releases before Train: a direct exchange per reply queue (false)." }),
    executorThreads: count("executor_thread_pool_size (64).", 1).optional(),
    connPoolSize: count("rpc_conn_pool_size (30): SEND connections per process.", 1).optional(),
    missingConsumerRetryTimeout: duration("kombu_missing_consumer_retry_timeout (60s).").optional(),
    replyPollInterval: duration(
      "Reply waiter poll period (500ms since oslo.messaging 14.8.0; 0s = none).",
    ).optional(),
    reconnectDelay: duration("kombu_reconnect_delay (1s).").optional(),
    reconnectSplay: duration("kombu_reconnect_splay (0s).").optional(),
  })
  .meta({ description: "oslo.messaging [oslo_messaging_rabbit] / [DEFAULT] options; unset = the default." });

const methodSchema = z.strictObject({
  time: distribution("duration", "Service time of the method itself, nested RPC excluded."),
  cpu: distribution("duration", "Part of the work that needs the process's one CPU (Python GIL).").optional(),
  steps: z
    .array(step("A nested RPC step."))
    .default([])
    .meta({ description: "RPC steps the method makes, in order." }),
  maxConcurrent: count(
    "At most this many run at once per process (nova max_concurrent_builds).",
    1,
  ).optional(),
});

const periodicSchema = z.strictObject({
  every: duration("Interval between runs."),
  do: step("The RPC step the task makes."),
  timer: z.enum(["task", "fixed"]).default("task").meta({
    description:
      "task: an oslo.service periodic task (a process's tasks run one after the other in one loop; the next run is due `every` after the last grid point, plus int(every_s * U / 20) whole seconds of jitter: 0-5 %, none under 20 s). fixed: a FixedIntervalLoopingCall, as nova's and neutron's report_state use (every `every` from the last start, no jitter).",
  }),
});

const serviceSchema = z.strictObject({
  hosts: count("Hosts running the service.", 1).default(1),
  processes: count("Server processes per host (nova/neutron `workers`).", 1).default(1),
  executorThreads: count("executor_thread_pool_size for this service.", 1).optional(),
  exchange: z.string().min(1).optional().meta({ description: "Control exchange (default: rpc.exchange)." }),
  hostPrefix: z
    .string()
    .min(1)
    .optional()
    .meta({ description: "Host names are <prefix>-<i> (default: the service name)." }),
  periodicFuzzyDelay: duration(
    "Random start delay of `timer: task` periodic tasks, up to this (nova periodic_fuzzy_delay 60s); a `fixed` timer starts at a random phase of its interval.",
  ).optional(),
  methods: z.record(z.string(), methodSchema).default({}),
  periodic: z.array(periodicSchema).default([]),
});

const workloadSchema = z.strictObject({
  name: z.string().min(1).meta({ description: "Flow name: each arrival is one flow (boot#1, boot#2 ...)." }),
  from: z
    .string()
    .min(1)
    .meta({ description: "Caller: a service (its processes in turn) or a client-only process." }),
  rate: rate("Arrivals per second."),
  arrivals: z.enum(["poisson", "constant"]).default("poisson"),
  do: step("The RPC step each arrival makes."),
  start: duration("First arrival not before this.").default(0),
  stop: duration("No arrivals from this time on.").optional(),
});

const incidentSchema = z.strictObject({
  at: duration("When it happens, from the start of the run."),
  process: z
    .string()
    .min(1)
    .meta({ description: "Process id: the host name (compute-3), or host.N with several processes." }),
  do: z.enum(["lose-reply-consumer", "restart"]).meta({
    description:
      "lose-reply-consumer: the reply consumer is cancelled and never re-created while the connection stays up; " +
      "restart: the process is killed and started again: its pending calls and running methods end with it, and the new one declares new reply and fanout queues (the old ones expire) and starts its periodic jobs at once.",
  }),
});

export const rpcSchema = z
  .strictObject({
    exchange: z
      .string()
      .min(1)
      .default("openstack")
      .meta({ description: "Default control exchange (nova, neutron)." }),
    oslo: osloSchema.default({}),
    messageSize: distribution(
      "size",
      "Request and reply sizes (reference §5.3: median 2450 B, p90 6480 B).",
    ).optional(),
    keepFirstFlows: count("Flows of each workload kept in full for traces and diagrams.").default(5),
    services: z.record(z.string(), serviceSchema).default({}),
    workload: z.array(workloadSchema).default([]),
    incidents: z
      .array(incidentSchema)
      .default([])
      .meta({ description: "Things that happen to one process." }),
  })
  .transform((r): RpcSpec => {
    const overrides: Partial<Record<keyof OsloOptions, unknown>> = { controlExchange: r.exchange };
    for (const [k, v] of Object.entries(r.oslo)) if (v !== undefined) overrides[k as keyof OsloOptions] = v;
    const oslo = { ...OSLO_DEFAULTS, ...overrides } as OsloOptions;
    const services: ServiceSpec[] = Object.entries(r.services).map(([name, s]) => ({
      name,
      hosts: s.hosts,
      processes: s.processes,
      executorThreads: s.executorThreads ?? oslo.executorThreads,
      exchange: s.exchange ?? r.exchange,
      hostPrefix: s.hostPrefix ?? name,
      periodicFuzzyDelay: s.periodicFuzzyDelay ?? 0,
      methods: Object.fromEntries(
        Object.entries(s.methods).map(([m, d]): [string, MethodSpec] => [
          m,
          {
            time: d.time,
            steps: d.steps,
            ...(d.cpu !== undefined ? { cpu: d.cpu } : {}),
            ...(d.maxConcurrent !== undefined ? { maxConcurrent: d.maxConcurrent } : {}),
          },
        ]),
      ),
      periodic: s.periodic.map((p) => ({ every: p.every, step: p.do, timer: p.timer })),
    }));
    const workload: WorkloadSpec[] = r.workload.map((w) => ({
      name: w.name,
      from: w.from,
      rate: w.rate,
      arrivals: w.arrivals,
      step: w.do,
      start: w.start,
      stop: w.stop ?? MAX_TIME,
    }));
    return {
      oslo,
      services,
      workload,
      // §5.3: median 2450, p90 6480 characters; p99 extrapolated from the lognormal through both [derived].
      messageBytes: r.messageSize ?? parseDistribution("lognormal(median=2450B, p99=14KiB)", "size"),
      keepFirstFlows: r.keepFirstFlows,
      incidents: r.incidents.map((i) => ({ at: i.at, process: i.process, action: i.do })),
    };
  })
  .meta({ description: "oslo.messaging RPC services (OpenStack), built on the AMQP model." });

export const rpcShape = {
  rpc: rpcSchema.optional(),
};

/** Step targets must name a declared service (notifications excepted); workload names unique. */
const checkRpc: SectionCheck = (doc, ctx) => {
  const rpc = doc.rpc;
  if (rpc === null || typeof rpc !== "object") return;
  const r = rpc as { readonly [k: string]: unknown };
  const services =
    r.services !== null && typeof r.services === "object" ? (r.services as Record<string, unknown>) : {};
  const names = Object.keys(services);
  const checkStep = (value: unknown, path: (string | number)[]): void => {
    const s = tryParse(value, parseStep);
    if (s === undefined || s.kind === "notify") return;
    if (!names.includes(s.service)) {
      const hint = closest(s.service, names);
      ctx.problem(
        path,
        `'${s.service}' is not a service of rpc.services (${names.join(", ") || "none declared"})` +
          (hint !== undefined ? `; did you mean '${hint}'?` : ""),
      );
    }
  };
  for (const name of names) {
    const svc = services[name];
    if (svc === null || typeof svc !== "object") continue;
    const s = svc as { readonly [k: string]: unknown };
    if (s.methods !== null && typeof s.methods === "object") {
      for (const [m, def] of Object.entries(s.methods as Record<string, unknown>)) {
        const steps =
          def !== null && typeof def === "object" ? (def as { steps?: unknown }).steps : undefined;
        if (Array.isArray(steps)) {
          steps.forEach((t, i) => {
            checkStep(t, ["rpc", "services", name, "methods", m, "steps", i]);
          });
        }
      }
    }
    if (Array.isArray(s.periodic)) {
      s.periodic.forEach((p, i) => {
        if (p !== null && typeof p === "object")
          checkStep((p as { do?: unknown }).do, ["rpc", "services", name, "periodic", i, "do"]);
      });
    }
  }
  if (Array.isArray(r.workload)) {
    const seen = new Set<string>();
    r.workload.forEach((w, i) => {
      if (w === null || typeof w !== "object") return;
      const wl = w as { name?: unknown; do?: unknown };
      checkStep(wl.do, ["rpc", "workload", i, "do"]);
      if (typeof wl.name === "string") {
        if (seen.has(wl.name))
          ctx.problem(["rpc", "workload", i, "name"], `workload "${wl.name}" is declared twice`);
        seen.add(wl.name);
      }
    });
  }
};

export const rpcChecks: readonly SectionCheck[] = [checkRpc];
