import type { RandomStream } from "../engine/random.js";
import type { EventId, Simulator } from "../engine/simulator.js";
import { type Nanoseconds, NS_PER_S } from "../engine/time.js";
import { reconnectDelay } from "./backoff.js";
import { Executor, ProcessCpu } from "./executor.js";
import type { ServiceLoad } from "./executor-load.js";
import {
  fanoutExchange,
  fanoutQueue,
  notificationQueue,
  replyQueue,
  serverQueue,
  topicQueue,
} from "./naming.js";
import type { OsloOptions } from "./options.js";
import type { RpcRecorder } from "./recorder.js";
import { newSpan, type Span } from "./span.js";
import type { MethodSpec, PeriodicSpec, Sampler, ServiceSpec, StepSpec } from "./spec.js";
import type {
  Done,
  QueueOptions,
  RpcPayload,
  Transport,
  TransportConnection,
  TransportDelivery,
} from "./transport.js";

/**
 * A step's continuation: `ok` false when it failed or timed out; `lag` ns from now until the
 * caller's thread actually has the answer (the reply poll quantum). Passing the lag instead of
 * scheduling an event for it saves one event per call; continuations add it to their next delay.
 */
export type StepDone = (ok: boolean, lag: Nanoseconds) => void;

/** What every process of a run shares. */
export interface RpcEnv {
  readonly sim: Simulator;
  readonly transport: Transport;
  readonly oslo: OsloOptions;
  readonly recorder: RpcRecorder;
  readonly messageBytes: Sampler;
  /** Control exchange of a topic (the service's, else the default). */
  exchangeOf(topic: string): string;
  /** Host names serving a topic (empty for an unknown topic). */
  hostsOf(topic: string): readonly string[];
  /** Next `_msg_id` (unique per run). */
  nextMsgId(): number;
  /** The executor-load accumulator of a service (shared by its processes). */
  loadOf(service: string): ServiceLoad;
}

/** A call waiting for its reply (oslo `ReplyWaiter` + the caller's thread). */
interface Waiter {
  readonly proc: RpcProcess;
  readonly span: Span;
  readonly exchange: string;
  readonly key: string;
  readonly message: { readonly bytes: number; readonly payload: RpcPayload };
  attempt: number;
  readonly msgId: number;
  readonly timeout: Nanoseconds;
  readonly monitor: Nanoseconds;
  readonly done: StepDone;
  /** When the caller began waiting (after the publish was confirmed); -1 before. */
  waitStart: Nanoseconds;
  /** When the overall timeout runs out (waitStart + timeout); -1 before the wait begins. */
  deadline: Nanoseconds;
  monitorTimer: EventId;
  settled: boolean;
}

/** One method invocation on a server thread. */
interface Execution {
  readonly proc: RpcProcess;
  /** The incarnation of `proc` that received it (see RpcProcess.restart). */
  readonly epoch: number;
  readonly span: Span;
  readonly payload: RpcPayload;
  readonly method: MethodSpec | undefined;
  readonly steps: readonly StepSpec[];
  segment: Nanoseconds;
  next: number;
  failed: boolean;
  heartbeat: EventId;
}

const NO_EVENT = -1;
/**
 * Longest sleep of the periodic-task loop: oslo.service `DEFAULT_INTERVAL` (60 s, the idle time it
 * starts from) and nova's `periodic_interval_max` (60 s, the DynamicLoopingCall's cap).
 */
const PERIODIC_IDLE_MAX = 60 * NS_PER_S;
const NO_STEPS: readonly StepSpec[] = [];
/**
 * Exchange and routing key of steps whose target is fixed (any server of a topic, a named host,
 * a fanout, a notification). Per run: keyed by the step objects of one scenario's spec.
 */
const fixedTargets = new WeakMap<StepSpec, { exchange: string; key: string }>();

/** A method's steps with repeats expanded, computed once per method. */
const flatSteps = new WeakMap<MethodSpec, readonly StepSpec[]>();
function stepsOf(m: MethodSpec): readonly StepSpec[] {
  let f = flatSteps.get(m);
  if (f === undefined) {
    const out: StepSpec[] = [];
    for (const s of m.steps) for (let r = 0; r < s.repeat; r++) out.push(s);
    f = out;
    flatSteps.set(m, f);
  }
  return f;
}

// Static event actions (the engine passes `arg`, so hot paths allocate no closure per event).
const advanceAction = (e: Execution): void => e.proc.advanceExec(e);
const heartbeatAction = (e: Execution): void => e.proc.heartbeatExec(e);
const timeoutAction = (w: Waiter): void => w.proc.timeoutWaiter(w);
const sweepAction = (q: DeadlineQueue): void => q.proc.sweep(q);

/**
 * Calls with the same timeout, in the order their waits began, so in deadline order. One timer
 * per queue (at the oldest unsettled deadline) replaces a timer per call: most calls are
 * answered long before their timeout, and their entries are dropped when the timer comes.
 */
interface DeadlineQueue {
  readonly proc: RpcProcess;
  readonly items: Waiter[];
  head: number;
  timer: EventId;
}

/** Run `ops` one after the other on a connection; stop at the first error. */
function chain(ops: ((done: Done) => void)[], done: Done): void {
  let i = 0;
  const step = (err: string | null): void => {
    if (err !== null || i === ops.length) {
      done(err);
      return;
    }
    ops[i++]!(step);
  };
  step(null);
}

/**
 * One OS process running oslo.messaging: optionally an RPC server for its service's topic (one
 * LISTEN connection consuming `<topic>`, `<topic>.<host>` and its own `<topic>_fanout_<id>`), and a
 * client (a lazily declared `reply_<id>` queue on its own connection, and a pool of SEND
 * connections). Reference openstack-rpc.md §1.2–1.5, §1.8.
 */
export class RpcProcess {
  readonly executor: Executor;
  private cpu = new ProcessCpu();
  /**
   * Incarnation of the process: restart() starts a new one. Events and callbacks of an earlier
   * incarnation (a method's next step, a periodic run, a publish retry) find the number changed
   * and do nothing: that process is dead.
   */
  private epoch = 0;
  /** Method invocations received by this incarnation and not finished (running, gated or queued). */
  private readonly inFlight = new Set<Execution>();
  /** SEND connections of this incarnation's pool (a dead incarnation's are closed and forgotten). */
  private readonly poolConns = new Set<TransportConnection>();
  private readonly running = new Map<string, number>();
  private readonly gated = new Map<string, (() => void)[]>();

  private listenConn: TransportConnection | null = null;
  private listenAttempt = 0;

  private replyConn: TransportConnection | null = null;
  private replyReady = false;
  private replyDeclaring = false;
  private replyAttempt = 0;
  private readonly replyPending: (() => void)[] = [];
  private readonly waiters = new Map<number, Waiter>();
  /** `reply_<id>`; a restarted process is a new one with a new name (oslo: `reply_<uuid4 hex>`). */
  replyQueueName: string;

  private readonly free: TransportConnection[] = [];
  private poolOpen = 0;
  private poolSeq = 0;
  private readonly poolWaiters: ((c: TransportConnection) => void)[] = [];

  /** Reply queues given up on: replies to them are dropped until the time stored (ObsoleteReplyQueuesCache). */
  private readonly obsolete = new Map<string, Nanoseconds>();
  private readonly notifyDeclared = new Set<string>();
  /** Exchanges each SEND connection has declared (kombu declares a publisher's exchange once per channel). */
  private readonly declared = new WeakMap<TransportConnection, Set<string>>();
  /** Lost replies and abandoned reply sends, for the report. */
  repliesAbandoned = 0;
  lateReplies = 0;
  /**
   * Deliveries to this process's consumers, for the report's topology: requests from the
   * `<topic>` queue, the `<topic>.<host>` queue, the fanout queue, and replies (heartbeats too).
   */
  deliveredTopic = 0;
  deliveredServer = 0;
  deliveredFanout = 0;
  deliveredReplies = 0;
  /** The reply queues this process declared (one per incarnation that made a call), in order. */
  readonly replyQueuesDeclared: string[] = [];
  /** Its fanout queues, one per incarnation of a server (`<topic>_fanout_<incarnation id>`). */
  readonly fanoutQueuesDeclared: string[] = [];
  /**
   * Messages published by this process, per exchange ("" = the default exchange). A list, not a
   * Map: a process publishes to two or three exchanges, and a scan of interned names is cheaper
   * than hashing on every publish.
   */
  readonly published: { readonly exchange: string; n: number }[] = [];

  constructor(
    private readonly env: RpcEnv,
    /** Unique process id, used in queue names (`reply_<id>`, `<topic>_fanout_<id>`). */
    readonly id: string,
    readonly host: string,
    readonly service: ServiceSpec | null,
    private readonly rng: RandomStream,
  ) {
    this.executor = new Executor(
      service?.executorThreads ?? env.oslo.executorThreads,
      service === null ? null : env.loadOf(service.name),
    );
    this.replyQueueName = replyQueue(id);
  }

  /** Which incarnation is running (0, then one more per restart). */
  get incarnation(): number {
    return this.epoch;
  }

  /** The id of this incarnation: `id`, then `id.r1`, `id.r2` ... after restarts (oslo: a new uuid). */
  private get incarnationId(): string {
    return this.epoch === 0 ? this.id : `${this.id}.r${this.epoch}`;
  }

  /**
   * Start serving (if a server) and the periodic jobs. At the start of the run every service has
   * been up for a while: a fixed timer is at a random phase of its interval. After a restart a
   * fixed timer runs at once (neutron's agents; nova's report_state waits
   * INITIAL_REPORTING_DELAY, 5 s). The periodic tasks' loop first looks within periodicFuzzyDelay
   * (nova `Service.start`: `initial_delay = random.randint(0, periodic_fuzzy_delay)`).
   */
  start(restarted = false): void {
    if (this.service === null) return;
    this.openListener();
    const svc = this.service;
    const epoch = this.epoch;
    const tasks: PeriodicSpec[] = [];
    for (const p of svc.periodic) {
      if (p.timer === "task") {
        tasks.push(p);
        continue;
      }
      const first = restarted ? 0 : Math.round(this.rng.next() * p.every);
      this.env.sim.schedule(first, () => this.fixedTick(p, epoch));
    }
    if (tasks.length > 0) {
      const fuzzy = svc.periodicFuzzyDelay;
      const first = fuzzy > 0 ? Math.round(this.rng.next() * fuzzy) : 0;
      const marks = tasks.map(() => -1);
      this.env.sim.schedule(first, () => this.taskLoop(tasks, marks, epoch));
    }
  }

  // ---------------------------------------------------------------- server side

  private queueArgs(transient: boolean): QueueOptions {
    const o = this.env.oslo;
    const args: Record<string, string | number | boolean> = {};
    if (transient) {
      if (o.transientQueuesTtl > 0) args["x-expires"] = Math.round(o.transientQueuesTtl / 1e6);
      if (o.transientQuorumQueues) args["x-queue-type"] = "quorum";
    } else if (o.quorumQueues) args["x-queue-type"] = "quorum";
    if (o.haQueues) args["x-ha-policy"] = "all";
    const durable = transient ? o.transientQuorumQueues : o.durableQueues || o.quorumQueues;
    return { durable, autoDelete: transient ? false : o.autoDelete, exclusive: false, arguments: args };
  }

  private openListener(): void {
    const svc = this.service!;
    const o = this.env.oslo;
    const conn = this.env.transport.connect(`${this.incarnationId}/listen`, () => this.listenerLost(conn));
    this.listenConn = conn;
    const exchange = this.env.exchangeOf(svc.name);
    const topic = topicQueue(svc.name);
    const server = serverQueue(svc.name, this.host);
    const fx = fanoutExchange(svc.name);
    const fq = fanoutQueue(svc.name, this.incarnationId);
    if (!this.fanoutQueuesDeclared.includes(fq)) this.fanoutQueuesDeclared.push(fq);
    const onTopic = (d: TransportDelivery): void => {
      this.deliveredTopic++;
      this.onRequest(conn, d);
    };
    const onServer = (d: TransportDelivery): void => {
      this.deliveredServer++;
      this.onRequest(conn, d);
    };
    const onFanout = (d: TransportDelivery): void => {
      this.deliveredFanout++;
      this.onRequest(conn, d);
    };
    const durableX = o.durableQueues || o.quorumQueues;
    chain(
      [
        (d) => conn.declareExchange(exchange, "topic", { durable: durableX, autoDelete: o.autoDelete }, d),
        (d) => conn.declareQueue(topic, this.queueArgs(false), d),
        (d) => conn.bindQueue(topic, exchange, svc.name, d),
        (d) => conn.declareQueue(server, this.queueArgs(false), d),
        (d) => conn.bindQueue(server, exchange, server, d),
        (d) => conn.declareExchange(fx, "fanout", { durable: o.transientQuorumQueues, autoDelete: true }, d),
        (d) => conn.declareQueue(fq, this.queueArgs(true), d),
        (d) => conn.bindQueue(fq, fx, svc.name, d),
        (d) => conn.consume(topic, o.prefetch, onTopic, d),
        (d) => conn.consume(server, o.prefetch, onServer, d),
        (d) => conn.consume(fq, o.prefetch, onFanout, d),
      ],
      (err) => {
        if (err === null) this.listenAttempt = 0;
        else if (this.listenConn === conn) {
          conn.close();
          this.listenerLost(conn);
        }
      },
    );
  }

  private listenerLost(conn: TransportConnection): void {
    if (this.listenConn !== conn) return;
    this.listenConn = null;
    const delay = reconnectDelay(this.env.oslo, this.listenAttempt++, this.rng);
    this.env.sim.schedule(delay, () => this.openListener());
  }

  /** The consumer callback acks at once, before dispatch: at-most-once (bug #1695746, §1.5 server 1). */
  private onRequest(conn: TransportConnection, d: TransportDelivery): void {
    conn.ack(d);
    const payload = d.payload;
    const span = payload.span;
    const now = this.env.sim.now;
    if (span.kind !== "fanout") {
      span.enqueued = d.enqueuedAt;
      span.delivered = now;
      span.to = this.id;
    }
    const method = this.service!.methods[payload.method];
    const exec: Execution = {
      proc: this,
      epoch: this.epoch,
      span,
      payload,
      method,
      steps: method === undefined ? NO_STEPS : stepsOf(method),
      segment: 0,
      next: 0,
      failed: method === undefined,
      heartbeat: NO_EVENT,
    };
    this.inFlight.add(exec);
    this.executor.submit(() => this.gate(exec));
  }

  /** Per-method concurrency limit (nova `_build_semaphore`, max_concurrent_builds 10). */
  private gate(exec: Execution): void {
    const limit = exec.method?.maxConcurrent;
    if (limit === undefined) {
      this.begin(exec);
      return;
    }
    const name = exec.payload.method;
    const n = this.running.get(name) ?? 0;
    if (n < limit) {
      this.running.set(name, n + 1);
      this.begin(exec);
      return;
    }
    let q = this.gated.get(name);
    if (q === undefined) {
      q = [];
      this.gated.set(name, q);
    }
    q.push(() => this.begin(exec));
  }

  private ungate(exec: Execution): void {
    if (exec.method?.maxConcurrent === undefined) return;
    const name = exec.payload.method;
    const q = this.gated.get(name);
    if (q !== undefined && q.length > 0) {
      const next = q.shift()!;
      this.env.sim.schedule(0, next);
      return;
    }
    this.running.set(name, (this.running.get(name) ?? 1) - 1);
  }

  private begin(exec: Execution): void {
    if (exec.epoch !== this.epoch) return;
    const now = this.env.sim.now;
    const { span, method, payload } = exec;
    if (span.kind !== "fanout") span.started = now;
    if (method === undefined) {
      // oslo replies with a NoSuchMethod failure.
      this.finish(exec);
      return;
    }
    const total = Math.max(0, Math.round(method.time.sample(this.rng)));
    exec.segment = Math.round(total / (exec.steps.length + 1));
    let delay = exec.segment;
    if (method.cpu !== undefined) {
      const cpu = Math.max(0, Math.round(method.cpu.sample(this.rng)));
      delay += this.cpu.reserve(now, cpu) - now;
    }
    if (payload.callMonitorTimeout > 0 && payload.replyTo !== "") {
      exec.heartbeat = this.env.sim.schedule(
        Math.round(payload.callMonitorTimeout / 2),
        heartbeatAction,
        exec,
      );
    }
    this.env.sim.schedule(delay, advanceAction, exec);
  }

  /** @internal event action: the next step of a method, or its end. */
  advanceExec(exec: Execution): void {
    if (exec.epoch !== this.epoch) return; // the process that ran it was restarted
    if (exec.failed || exec.next === exec.steps.length) {
      this.finish(exec);
      return;
    }
    const step = exec.steps[exec.next++]!;
    this.perform(step, exec.span.trace, exec.span.id, (ok, lag) => {
      if (!ok) {
        exec.failed = true;
        exec.next = exec.steps.length;
      }
      this.env.sim.schedule((ok ? exec.segment : 0) + lag, advanceAction, exec);
    });
  }

  private finish(exec: Execution): void {
    this.inFlight.delete(exec);
    const now = this.env.sim.now;
    const { span, payload } = exec;
    if (exec.heartbeat !== NO_EVENT) this.env.sim.cancel(exec.heartbeat);
    if (span.kind !== "fanout") span.finished = now;
    this.ungate(exec);
    this.executor.release();
    if (payload.replyTo !== "") this.sendReply(span, payload, exec.failed);
    else if (span.kind === "cast") this.env.recorder.close(span, exec.failed ? "failed" : "ok", now);
  }

  /** Call-monitor heartbeat: a reply with ending=False every call_monitor_timeout / 2 (dispatcher `_watchdog`). */
  /** @internal event action. */
  heartbeatExec(exec: Execution): void {
    if (exec.epoch !== this.epoch) return;
    const p = exec.payload;
    this.acquire((conn) => {
      this.countPublish(this.replyExchange(p.replyTo));
      conn.publish(
        this.replyExchange(p.replyTo),
        p.replyTo,
        { bytes: 200, payload: this.replyPayload(exec.span, p.msgId, false, false) },
        { mandatory: true },
        () => this.release(conn),
      );
    });
    exec.heartbeat = this.env.sim.schedule(Math.round(p.callMonitorTimeout / 2), heartbeatAction, exec);
  }

  private replyExchange(replyTo: string): string {
    // Before Train every reply queue had its own direct exchange of the same name (commit 6fe1aec1).
    return this.env.oslo.replyExchanges ? replyTo : "";
  }

  private replyPayload(span: Span, msgId: number, ending: boolean, failure: boolean): RpcPayload {
    return { span, method: "", msgId, replyTo: "", ending, failure, callMonitorTimeout: 0 };
  }

  /**
   * The reply goes to the default exchange with mandatory=True. If the reply queue is missing
   * (basic.return NO_ROUTE), retry every 0.25 s for up to 60 s HOLDING the pooled connection, then
   * abandon and remember the queue for 60 s (amqpdriver.py `AMQPIncomingMessage.reply`,
   * ObsoleteReplyQueuesCache; §1.5 server 5). Holding connections is how one lost reply queue
   * starves the pool and makes unrelated calls time out.
   */
  private sendReply(span: Span, p: RpcPayload, failure: boolean): void {
    const o = this.env.oslo;
    const until = this.obsolete.get(p.replyTo);
    if (until !== undefined) {
      if (until > this.env.sim.now) {
        this.repliesAbandoned++;
        return;
      }
      this.obsolete.delete(p.replyTo);
    }
    const bytes = Math.max(1, Math.round(this.env.messageBytes.sample(this.rng)));
    const message = { bytes, payload: this.replyPayload(span, p.msgId, true, failure) };
    const epoch = this.epoch;
    this.acquire((conn) => {
      const deadline = this.env.sim.now + o.missingConsumerRetryTimeout;
      const attempt = (): void => {
        if (epoch !== this.epoch) return; // restarted during the missing-queue retry loop
        this.countPublish(this.replyExchange(p.replyTo));
        conn.publish(this.replyExchange(p.replyTo), p.replyTo, message, { mandatory: true }, (outcome) => {
          if (epoch !== this.epoch) return;
          if (outcome === "returned" && this.env.sim.now + o.missingConsumerRetryInterval <= deadline) {
            span.replyRetries++;
            this.env.sim.schedule(o.missingConsumerRetryInterval, attempt);
            return;
          }
          if (outcome === "returned") {
            this.repliesAbandoned++;
            this.obsolete.set(p.replyTo, this.env.sim.now + o.obsoleteReplyTtl);
          }
          this.release(conn);
        });
      };
      attempt();
    });
  }

  /**
   * The reply consumer is cancelled and never re-created while the connection stays up: the
   * reply queue then has no consumer, so x-expires deletes it after rabbit_transient_queues_ttl.
   */
  loseReplyConsumer(): void {
    this.replyConn?.cancel(this.replyQueueName, () => {});
  }

  /**
   * The process is killed and started again (`systemctl restart nova-compute`): a new incarnation
   * with a new id, so new reply and fanout queue names (oslo names them by a new uuid; the old
   * ones are left to x-expires, and servers that gave up on the old reply queue keep ignoring it,
   * see `obsolete`). Everything the dead one was doing ends with it:
   * - its calls: nobody waits for their replies any more (closed as "failed", not as a
   *   MessagingTimeout: no thread lived to raise it);
   * - the methods it was running or had queued: a cast closes "failed"; a caller waiting on a call
   *   it was serving times out in its own time;
   * - its connections (closed), its executor threads, its GIL, its periodic jobs.
   * The new incarnation opens its listener and starts its periodic jobs at once.
   */
  restart(): void {
    const sim = this.env.sim;
    const now = sim.now;
    const recorder = this.env.recorder;
    this.epoch++;
    for (const w of this.waiters.values()) {
      w.settled = true;
      if (w.monitorTimer !== NO_EVENT) sim.cancel(w.monitorTimer);
      recorder.close(w.span, "failed", now);
    }
    this.waiters.clear();
    this.replyPending.length = 0;
    for (const exec of this.inFlight) {
      if (exec.heartbeat !== NO_EVENT) sim.cancel(exec.heartbeat);
      if (exec.span.kind === "cast") recorder.close(exec.span, "failed", now);
    }
    this.inFlight.clear();
    this.executor.reset();
    this.cpu = new ProcessCpu();
    this.running.clear();
    this.gated.clear();
    this.listenConn?.close();
    this.listenConn = null;
    this.listenAttempt = 0;
    this.replyConn?.close();
    this.replyConn = null;
    this.replyReady = false;
    this.replyDeclaring = false;
    this.replyAttempt = 0;
    for (const c of this.poolConns) c.close();
    this.poolConns.clear();
    this.free.length = 0;
    this.poolOpen = 0;
    this.poolWaiters.length = 0;
    this.obsolete.clear();
    this.notifyDeclared.clear();
    this.replyQueueName = replyQueue(this.incarnationId);
    this.start(true);
  }

  // ---------------------------------------------------------------- client side

  /** Do one step on behalf of a method (or a periodic task, or a workload arrival). */
  perform(step: StepSpec, trace: number, parent: number, done: StepDone): void {
    if (step.kind === "call") this.call(step, trace, parent, done);
    else this.cast(step, trace, parent, done);
  }

  private target(step: StepSpec): { exchange: string; key: string } {
    // Targets that do not depend on a draw are the same for every call of the step.
    const fixed = fixedTargets.get(step);
    if (fixed !== undefined) return fixed;
    const t = this.resolveTarget(step);
    if (
      step.server.kind === "any" ||
      step.server.kind === "host" ||
      step.kind === "fanout" ||
      step.kind === "notify"
    ) {
      fixedTargets.set(step, t);
    }
    return t;
  }

  private resolveTarget(step: StepSpec): { exchange: string; key: string } {
    if (step.kind === "fanout") return { exchange: fanoutExchange(step.service), key: step.service };
    if (step.kind === "notify") {
      return { exchange: this.env.oslo.controlExchange, key: notificationQueue(step.service, step.method) };
    }
    const exchange = this.env.exchangeOf(step.service);
    const s = step.server;
    if (s.kind === "any") return { exchange, key: topicQueue(step.service) };
    let host: string;
    if (s.kind === "self") host = this.host;
    else if (s.kind === "host") host = s.host;
    else {
      const hosts = this.env.hostsOf(step.service);
      host = hosts.length === 0 ? "none" : hosts[Math.floor(this.rng.next() * hosts.length)]!;
    }
    return { exchange, key: serverQueue(step.service, host) };
  }

  private span(step: StepSpec, trace: number, parent: number, exchange: string, key: string): Span {
    const r = this.env.recorder;
    const span = newSpan(
      r.nextSpanId(),
      trace,
      parent,
      step.kind,
      step.service,
      step.method,
      exchange,
      key,
      this.id,
      this.env.sim.now,
    );
    r.open(span);
    return span;
  }

  private requestPayload(span: Span, msgId: number, replyTo: string, monitor: Nanoseconds): RpcPayload {
    return {
      span,
      method: span.method,
      msgId,
      replyTo,
      ending: false,
      failure: false,
      callMonitorTimeout: monitor,
    };
  }

  /**
   * rpc `call` (§1.5 client): lazily declare the reply queue; publish to the control exchange with
   * expiration = timeout and confirms (retried forever if the connection is lost, `retry=None`);
   * the timeout timer starts once the publish returns; MessagingTimeout when it runs out.
   */
  private call(step: StepSpec, trace: number, parent: number, done: StepDone): void {
    const { exchange, key } = this.target(step);
    const span = this.span(step, trace, parent, exchange, key);
    const timeout = step.timeout ?? this.env.oslo.responseTimeout;
    const monitor = step.callMonitorTimeout ?? 0;
    const msgId = this.env.nextMsgId();
    const bytes = Math.max(1, Math.round(this.env.messageBytes.sample(this.rng)));
    const w: Waiter = {
      proc: this,
      span,
      exchange,
      key,
      message: { bytes, payload: this.requestPayload(span, msgId, this.replyQueueName, monitor) },
      attempt: 0,
      msgId,
      timeout,
      monitor,
      done,
      waitStart: -1,
      deadline: -1,
      monitorTimer: NO_EVENT,
      settled: false,
    };
    this.waiters.set(msgId, w);
    if (this.replyReady) this.publishCall(w);
    else this.ensureReplyQueue(() => this.publishCall(w));
  }

  private publishCall(w: Waiter): void {
    if (w.settled) return; // its process was restarted
    const conn = this.free.length > 0 ? this.takeFree() : null;
    if (conn !== null) this.sendCall(w, conn);
    else this.acquire((c) => this.sendCall(w, c));
  }

  private sendCall(w: Waiter, conn: TransportConnection): void {
    this.withExchange(conn, w.exchange, false, () => {
      const sim = this.env.sim;
      if (w.span.published < 0) w.span.published = sim.now;
      this.countPublish(w.exchange);
      conn.publish(w.exchange, w.key, w.message, { mandatory: false, expiration: w.timeout }, (outcome) => {
        this.release(conn);
        if (outcome === "closed" || outcome === "nacked") {
          const delay = reconnectDelay(this.env.oslo, w.attempt++, this.rng);
          sim.schedule(delay, () => this.publishCall(w));
          return;
        }
        if (w.settled) return;
        w.waitStart = sim.now;
        w.deadline = sim.now + w.timeout;
        this.watchDeadline(w);
        if (w.monitor > 0) w.monitorTimer = sim.schedule(w.monitor, timeoutAction, w);
      });
    });
  }

  private readonly deadlines = new Map<Nanoseconds, DeadlineQueue>();

  private lastDeadlines: DeadlineQueue | null = null;
  private lastTimeout = -1;

  private watchDeadline(w: Waiter): void {
    let q = (w.timeout === this.lastTimeout ? this.lastDeadlines : null) ?? this.deadlines.get(w.timeout);
    if (q === undefined) {
      q = { proc: this, items: [], head: 0, timer: NO_EVENT };
      this.deadlines.set(w.timeout, q);
    }
    this.lastDeadlines = q;
    this.lastTimeout = w.timeout;
    q.items.push(w);
    if (q.timer === NO_EVENT) q.timer = this.env.sim.scheduleAt(w.deadline, sweepAction, q);
  }

  /** @internal event action: time out the calls whose deadline has come, drop the answered ones. */
  sweep(q: DeadlineQueue): void {
    const now = this.env.sim.now;
    q.timer = NO_EVENT;
    while (q.head < q.items.length) {
      const w = q.items[q.head]!;
      if (!w.settled && w.deadline > now) break;
      q.head++;
      if (!w.settled) this.timedOut(w);
    }
    // Drop the swept entries (each holds its span and message) so they do not pile up.
    if (q.head === q.items.length) {
      q.items.length = 0;
      q.head = 0;
    } else if (q.head >= 32) {
      q.items.splice(0, q.head);
      q.head = 0;
    }
    if (q.head < q.items.length) q.timer = this.env.sim.scheduleAt(q.items[q.head]!.deadline, sweepAction, q);
  }

  /** @internal event action: MessagingTimeout (overall timeout or call monitor). */
  timeoutWaiter(w: Waiter): void {
    this.timedOut(w);
  }

  private timedOut(w: Waiter): void {
    if (w.settled) return;
    w.settled = true;
    this.waiters.delete(w.msgId);
    if (w.monitorTimer !== NO_EVENT) this.env.sim.cancel(w.monitorTimer);
    this.env.recorder.close(w.span, "timeout", this.env.sim.now);
    w.done(false, 0);
  }

  private onReply(conn: TransportConnection, d: TransportDelivery): void {
    conn.ack(d);
    this.deliveredReplies++;
    const p = d.payload;
    const w = this.waiters.get(p.msgId);
    if (w === undefined) {
      // "No calling threads waiting for msg_id": the caller timed out already.
      this.lateReplies++;
      return;
    }
    const sim = this.env.sim;
    if (!p.ending) {
      w.span.heartbeats++;
      if (w.monitorTimer !== NO_EVENT) {
        sim.cancel(w.monitorTimer);
        w.monitorTimer = sim.schedule(w.monitor, timeoutAction, w);
      }
      return;
    }
    w.settled = true;
    this.waiters.delete(p.msgId);
    if (w.monitorTimer !== NO_EVENT) sim.cancel(w.monitorTimer);
    w.span.replyDelivered = sim.now;
    // ReplyWaiters.get polls every replyPollInterval from the start of the wait.
    const poll = this.env.oslo.replyPollInterval;
    let pickup = sim.now;
    if (poll > 0 && w.waitStart >= 0) pickup = w.waitStart + Math.ceil((sim.now - w.waitStart) / poll) * poll;
    const ok = !p.failure;
    // Closed now with the pickup time; the caller's continuation adds the lag to its next delay.
    this.env.recorder.close(w.span, ok ? "ok" : "failed", pickup);
    w.done(ok, pickup - sim.now);
  }

  private ensureReplyQueue(then: () => void): void {
    if (this.replyReady) {
      then();
      return;
    }
    this.replyPending.push(then);
    if (!this.replyDeclaring) this.openReply();
  }

  /** `_get_reply_q`: one `reply_<id>` per process on its own LISTEN connection, x-expires 1800 s. */
  private openReply(): void {
    this.replyDeclaring = true;
    const q = this.replyQueueName;
    if (!this.replyQueuesDeclared.includes(q)) this.replyQueuesDeclared.push(q);
    const conn = this.env.transport.connect(`${this.incarnationId}/reply`, () => this.replyLost(conn));
    this.replyConn = conn;
    const ops: ((d: Done) => void)[] = [];
    if (this.env.oslo.replyExchanges) {
      ops.push((d) => conn.declareExchange(q, "direct", { durable: false, autoDelete: true }, d));
    }
    ops.push((d) => conn.declareQueue(q, this.queueArgs(true), d));
    if (this.env.oslo.replyExchanges) ops.push((d) => conn.bindQueue(q, q, q, d));
    ops.push((d) => conn.consume(q, 0, (m) => this.onReply(conn, m), d));
    chain(ops, (err) => {
      if (this.replyConn !== conn) return;
      if (err !== null) {
        conn.close();
        this.replyLost(conn);
        return;
      }
      this.replyAttempt = 0;
      this.replyDeclaring = false;
      this.replyReady = true;
      const pending = this.replyPending.splice(0);
      for (const f of pending) f();
    });
  }

  private replyLost(conn: TransportConnection): void {
    if (this.replyConn !== conn) return;
    this.replyConn = null;
    this.replyReady = false;
    this.replyDeclaring = true;
    const delay = reconnectDelay(this.env.oslo, this.replyAttempt++, this.rng);
    this.env.sim.schedule(delay, () => this.openReply());
  }

  /** cast / fanout cast / notification (§1.6, §1.7): publish with confirms, no TTL, no reply. */
  private cast(step: StepSpec, trace: number, parent: number, done: StepDone): void {
    const { exchange, key } = this.target(step);
    const span = this.span(step, trace, parent, exchange, key);
    const bytes = Math.max(1, Math.round(this.env.messageBytes.sample(this.rng)));
    const message = { bytes, payload: this.requestPayload(span, 0, "", 0) };
    const epoch = this.epoch;
    const publish = (attempt: number): void => {
      if (epoch !== this.epoch) return; // restarted while retrying: the cast died with the process
      this.acquire((conn) => {
        const go = (): void => {
          if (span.published < 0) span.published = this.env.sim.now;
          this.countPublish(exchange);
          conn.publish(exchange, key, message, { mandatory: false }, (outcome) => {
            if (epoch !== this.epoch) return;
            this.release(conn);
            if (outcome === "closed" || outcome === "nacked") {
              const delay = reconnectDelay(this.env.oslo, attempt, this.rng);
              this.env.sim.schedule(delay, () => publish(attempt + 1));
              return;
            }
            // A fanout or a notification has no single server whose finish would close it.
            if (step.kind !== "cast") this.env.recorder.close(span, "ok", this.env.sim.now);
            done(true, 0);
          });
        };
        if (step.kind === "notify" && !this.notifyDeclared.has(key)) {
          // `_publish_and_creates_default_queue`: the publisher declares the notification queue.
          this.notifyDeclared.add(key);
          const o = this.env.oslo;
          chain(
            [
              (d) =>
                conn.declareExchange(
                  exchange,
                  "topic",
                  { durable: o.durableQueues, autoDelete: o.autoDelete },
                  d,
                ),
              (d) => conn.declareQueue(key, this.queueArgs(false), d),
              (d) => conn.bindQueue(key, exchange, key, d),
            ],
            () => go(),
          );
        } else this.withExchange(conn, exchange, step.kind === "fanout", go);
      });
    };
    publish(0);
  }

  /**
   * Publishers declare their exchange before the first publish on a connection: topic_send the
   * control exchange, fanout_send `<topic>_fanout` (impl_rabbit.py), so a cast never hits a 404.
   */
  private withExchange(conn: TransportConnection, exchange: string, fanout: boolean, then: () => void): void {
    let set = this.declared.get(conn);
    if (set === undefined) {
      set = new Set();
      this.declared.set(conn, set);
    }
    if (set.has(exchange)) {
      then();
      return;
    }
    set.add(exchange);
    const o = this.env.oslo;
    const options = fanout
      ? { durable: o.transientQuorumQueues, autoDelete: true }
      : { durable: o.durableQueues || o.quorumQueues, autoDelete: o.autoDelete };
    conn.declareExchange(exchange, fanout ? "fanout" : "topic", options, () => then());
  }

  private countPublish(exchange: string): void {
    for (const c of this.published) {
      if (c.exchange === exchange) {
        c.n++;
        return;
      }
    }
    this.published.push({ exchange, n: 1 });
  }

  // ---------------------------------------------------------------- SEND connection pool

  /** A free pooled connection if one is open, else null. */
  private takeFree(): TransportConnection | null {
    while (this.free.length > 0) {
      const c = this.free.pop()!;
      if (c.open) return c;
      this.poolConns.delete(c);
      this.poolOpen--;
    }
    return null;
  }

  /** Take a pooled SEND connection (at most rpc_conn_pool_size; callers queue when all are held). */
  private acquire(use: (c: TransportConnection) => void): void {
    while (this.free.length > 0) {
      const c = this.free.pop()!;
      if (c.open) {
        use(c);
        return;
      }
      this.poolConns.delete(c);
      this.poolOpen--;
    }
    if (this.poolOpen < this.env.oslo.connPoolSize) {
      this.poolOpen++;
      const conn = this.env.transport.connect(`${this.incarnationId}/send-${++this.poolSeq}`, () => {});
      this.poolConns.add(conn);
      use(conn);
      return;
    }
    this.poolWaiters.push(use);
  }

  private release(conn: TransportConnection): void {
    if (!this.poolConns.has(conn)) return; // a dead incarnation's (closed at the restart)
    if (!conn.open) {
      this.poolConns.delete(conn);
      this.poolOpen--;
      const w = this.poolWaiters.shift();
      if (w !== undefined) this.acquire(w);
      return;
    }
    const w = this.poolWaiters.shift();
    if (w !== undefined) w(conn);
    else this.free.push(conn);
  }

  // ---------------------------------------------------------------- periodic tasks

  /**
   * One run of a periodic job: its step (`repeat` times), then `then(lag)` with the lag the last
   * step asked to wait before anything else (see StepDone). Stops if the process is restarted.
   */
  private runPeriodic(step: StepSpec, epoch: number, then: (lag: Nanoseconds) => void): void {
    const trace = this.env.recorder.newTrace();
    let remaining = step.repeat;
    const next = (_ok: boolean, lag: Nanoseconds): void => {
      if (epoch !== this.epoch) return;
      if (remaining-- > 0) {
        if (lag > 0) this.env.sim.schedule(lag, () => this.perform(step, trace, -1, next));
        else this.perform(step, trace, -1, next);
        return;
      }
      then(lag);
    };
    next(true, 0);
  }

  /**
   * One pass of oslo.service's periodic-task loop (`PeriodicTasks.run_periodic_tasks`, driven by a
   * DynamicLoopingCall): the service's `timer: task` jobs, in order, ONE AFTER THE OTHER in one
   * greenthread, so a slow one delays the rest. A task runs when `every` has passed since its
   * mark (its first run: at the first pass); running sets the mark to the latest point of its
   * grid (mark + k x every) plus int(every_s x U / 20) whole seconds of jitter
   * (`_nearest_boundary`; none under 20 s). After the pass the loop sleeps until the next task is
   * due, at most DEFAULT_INTERVAL and periodic_interval_max (both 60 s), counted from the pass's
   * end. `marks[i]` < 0: task i has not run yet.
   */
  private taskLoop(tasks: readonly PeriodicSpec[], marks: number[], epoch: number): void {
    if (epoch !== this.epoch) return;
    const sim = this.env.sim;
    let idle = PERIODIC_IDLE_MAX;
    let i = 0;
    const nextTask = (): void => {
      if (epoch !== this.epoch) return;
      while (i < tasks.length) {
        const k = i++;
        const p = tasks[k]!;
        const now = sim.now;
        idle = Math.min(idle, p.every);
        const mark = marks[k]!;
        if (mark >= 0) {
          const wait = mark + p.every - now;
          if (wait > 0) {
            idle = Math.min(idle, wait);
            continue;
          }
          const jitterSeconds = Math.floor((p.every / NS_PER_S) * (this.rng.next() / 20));
          marks[k] = now - ((now - mark) % p.every) + jitterSeconds * NS_PER_S;
        } else marks[k] = now;
        this.runPeriodic(p.step, epoch, (lag) => {
          if (lag > 0) sim.schedule(lag, nextTask);
          else nextTask();
        });
        return;
      }
      sim.schedule(idle, () => this.taskLoop(tasks, marks, epoch));
    };
    nextTask();
  }

  /**
   * oslo.service FixedIntervalLoopingCall (`loopingcall.py`): the next run starts `every` after
   * this one started, or at once if this one took longer; no jitter.
   */
  private fixedTick(p: PeriodicSpec, epoch: number): void {
    if (epoch !== this.epoch) return;
    const started = this.env.sim.now;
    this.runPeriodic(p.step, epoch, (lag) => {
      const delay = Math.max(lag, started + p.every - this.env.sim.now);
      this.env.sim.schedule(delay, () => this.fixedTick(p, epoch));
    });
  }
}
