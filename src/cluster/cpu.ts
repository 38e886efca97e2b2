import type { Action, Simulator } from "../engine/simulator.js";
import type { Nanoseconds } from "../engine/time.js";

/** Fills emptied mailbox slots, so a finished operation's closure is not kept alive. */
const NO_OP: Action<never> = () => {};

/**
 * One Erlang process: a FIFO mailbox of costed operations served one at a time. Parallel arrays
 * with a moving head and tail that keep their capacity when the mailbox empties (most mailboxes
 * hold one operation at a time: truncating and regrowing them allocated three backing stores per
 * operation), so queuing an operation allocates nothing once the arrays have grown.
 */
export class ErlangProcess {
  /** Set when the node crashed: completions already scheduled for it are ignored. */
  dead = false;
  /** Running on a core or waiting in the node's run queue. */
  scheduled = false;
  private actions: Action<never>[] = [];
  private args: unknown[] = [];
  private costs: number[] = [];
  private head = 0;
  /** One past the last queued operation (slots from here on are free). */
  private tail = 0;
  /** Callbacks waiting for the mailbox to drain below the credit threshold (credit flow). */
  creditWaiters: { action: Action<unknown>; arg: unknown }[] = [];
  /** The process whose credit this one ran out of: it runs nothing until granted more. */
  parkedOn: ErlangProcess | null = null;
  /** Processes parked on this one (credit flow), resumed when its backlog halves. */
  blockedSenders: ErlangProcess[] = [];
  /** Clients whose frames are not read until this process catches up (a connection in flow). */
  blockedClients: string[] = [];
  /** Callbacks waiting for the mailbox to be empty (end of a batch of work, e.g. Ra's AER flush). */
  idleWaiters: { action: Action<unknown>; arg: unknown }[] = [];

  constructor(
    readonly key: string,
    readonly cpu: NodeCpu,
  ) {}

  /** Operations queued or running. */
  get backlog(): number {
    return this.tail - this.head;
  }

  push<A>(cost: Nanoseconds, action: Action<A>, arg: A): void {
    const t = this.tail;
    if (t === this.actions.length) {
      this.actions.push(action as Action<never>);
      this.args.push(arg);
      this.costs.push(cost);
    } else {
      this.actions[t] = action as Action<never>;
      this.args[t] = arg;
      this.costs[t] = cost;
    }
    this.tail = t + 1;
  }

  headCost(): Nanoseconds {
    return this.costs[this.head]!;
  }

  /** Remove the operation at the head and run it. */
  runHead(): void {
    const h = this.head;
    const action = this.actions[h] as Action<unknown>;
    const arg = this.args[h];
    this.actions[h] = NO_OP;
    this.args[h] = undefined;
    this.head = h + 1;
    if (this.head === this.tail) {
      this.head = 0;
      this.tail = 0;
    } else if (this.head > 4096 && this.head * 2 > this.tail) {
      this.actions = this.actions.slice(this.head, this.tail);
      this.args = this.args.slice(this.head, this.tail);
      this.costs = this.costs.slice(this.head, this.tail);
      this.tail -= this.head;
      this.head = 0;
    }
    action(arg);
  }
}

/**
 * Which node's code is running now: set while a process's operation (or a frame arriving at a
 * node, or a disk sync) runs, null otherwise. Lets the runtime see that a step on node A hands
 * work to a process on node B, which in RabbitMQ is an Erlang message over the distribution link.
 */
export interface RunningOn {
  node: string | null;
  /** The process whose operation is running, if any. */
  proc: ErlangProcess | null;
  /** The client whose frame is being handled, if any (a frame arriving from a client). */
  client: string | null;
}

/**
 * A node's CPU: `cores` servers shared by its Erlang processes (a multi-server FIFO queue of
 * runnable processes, like the BEAM's run queue). A process runs one operation per turn, then goes
 * to the back of the run queue if others are waiting, so one process never uses more than one
 * core and busy processes share cores round-robin.
 */
export class NodeCpu {
  private readonly procs = new Map<string, ErlangProcess>();
  private readonly runQueue: ErlangProcess[] = [];
  private runHead = 0;
  private busy = 0;
  /** Total CPU time spent, ns (for utilisation = busyTime / (cores * elapsed)). */
  busyTime: Nanoseconds = 0;

  constructor(
    private readonly sim: Simulator,
    readonly node: string,
    readonly cores: number,
    /** Backlog above which a process withholds credit (RabbitMQ credit_flow default 400). */
    readonly creditLimit: number,
    private readonly running: RunningOn = { node: null, proc: null, client: null },
    /** Called when a client blocked by credit flow may be read again. */
    private readonly releaseClient: (client: string) => void = () => {},
  ) {
    if (!(Number.isInteger(cores) && cores >= 1)) throw new RangeError(`cores must be >= 1, got ${cores}`);
  }

  process(key: string): ErlangProcess {
    let p = this.procs.get(key);
    if (p === undefined) {
      p = new ErlangProcess(key, this);
      this.procs.set(key, p);
    }
    return p;
  }

  /** Cores busy now. */
  get coresBusy(): number {
    return this.busy;
  }

  submit<A>(key: string, cost: Nanoseconds, action: Action<A>, arg: A): ErlangProcess {
    const p = this.process(key);
    this.submitTo(p, cost, action, arg);
    return p;
  }

  /** submit() to a process of this node already looked up (and not dropped by reset()). */
  submitTo<A>(p: ErlangProcess, cost: Nanoseconds, action: Action<A>, arg: A): void {
    p.push(cost, action, arg);
    if (!p.scheduled && p.parkedOn === null) this.wake(p);
  }

  private wake(p: ErlangProcess): void {
    p.scheduled = true;
    if (this.busy < this.cores) {
      this.busy++;
      this.start(p);
    } else {
      this.runQueue.push(p);
    }
  }

  /**
   * Credit flow (docs/flow-control.md; rabbit's credit_flow, 400 initial credit and 200 more per
   * 200 processed): work handed to `target` when its mailbox already holds `creditLimit`
   * operations parks the process that sent it, or, for a client's frame, stops reading that
   * client, until `target` has worked its backlog down to half.
   */
  withholdCredit(target: ErlangProcess): void {
    if (target.backlog < this.creditLimit) return;
    const sender = this.running.proc;
    const client = this.running.client;
    if (sender !== null && sender !== target && sender.cpu === this) {
      if (sender.parkedOn === null) {
        sender.parkedOn = target;
        target.blockedSenders.push(sender);
      }
    } else if (client !== null && !target.blockedClients.includes(client)) {
      target.blockedClients.push(client);
      this.holdClient(client);
    }
  }

  /** Set by the runtime: stop reading a client's frames (released through releaseClient). */
  holdClient: (client: string) => void = () => {};

  /**
   * Drop every process and its mailbox (node crash). Scheduled completions become no-ops. Idle
   * waiters run (the node is already down, so whatever they send goes nowhere) so that their
   * owners can forget what they had batched.
   */
  reset(): void {
    const idle: { action: Action<unknown>; arg: unknown }[] = [];
    for (const p of this.procs.values()) {
      p.dead = true;
      for (const c of p.blockedClients) this.releaseClient(c);
      p.blockedClients = [];
      for (const w of p.idleWaiters) idle.push(w);
      p.idleWaiters = [];
    }
    this.procs.clear();
    this.runQueue.length = 0;
    this.runHead = 0;
    this.busy = 0;
    for (const w of idle) w.action(w.arg);
  }

  /**
   * Run action(arg) once `key`'s mailbox is empty: at the end of the operation running now when
   * nothing else is queued behind it, at once when the process is idle or unknown.
   */
  whenIdle<A>(key: string, action: Action<A>, arg: A): void {
    const p = this.procs.get(key);
    if (p === undefined || p.backlog === 0) {
      action(arg);
      return;
    }
    p.idleWaiters.push({ action: action as Action<unknown>, arg });
  }

  /** Whether `key` may take more work without exceeding its credit. */
  hasCredit(key: string): boolean {
    const p = this.procs.get(key);
    return p === undefined || p.backlog < this.creditLimit;
  }

  /** Run action(arg) once `key`'s backlog is below the credit limit (at once if it already is). */
  whenCredit<A>(key: string, action: Action<A>, arg: A): void {
    const p = this.procs.get(key);
    if (p === undefined || p.backlog < this.creditLimit) {
      action(arg);
      return;
    }
    p.creditWaiters.push({ action: action as Action<unknown>, arg });
  }

  private start(p: ErlangProcess): void {
    const cost = p.headCost();
    this.busyTime += cost;
    this.sim.schedule(cost, this.complete, p);
  }

  private readonly complete = (p: ErlangProcess): void => {
    if (p.dead) return;
    const r = this.running;
    const outerNode = r.node;
    const outerProc = r.proc;
    const outerClient = r.client;
    r.node = this.node;
    r.proc = p;
    r.client = null;
    p.runHead();
    if (p.idleWaiters.length > 0 && p.backlog === 0 && !p.dead) {
      const waiters = p.idleWaiters;
      p.idleWaiters = [];
      for (const w of waiters) w.action(w.arg);
    }
    r.node = outerNode;
    r.proc = outerProc;
    r.client = outerClient;
    if (p.dead) return; // the operation crashed the node
    if (p.backlog * 2 < this.creditLimit && (p.blockedSenders.length > 0 || p.blockedClients.length > 0)) {
      const senders = p.blockedSenders;
      const clients = p.blockedClients;
      p.blockedSenders = [];
      p.blockedClients = [];
      for (const s of senders) {
        s.parkedOn = null;
        if (!s.dead && !s.scheduled && s.backlog > 0) this.wake(s);
      }
      for (const c of clients) this.releaseClient(c);
    }
    // Credit flow: RabbitMQ grants more credit every 200 operations below a 400 backlog; granting
    // as soon as the backlog falls under the limit is the continuous version of that.
    if (p.creditWaiters.length > 0 && p.backlog < this.creditLimit) {
      const waiters = p.creditWaiters;
      p.creditWaiters = [];
      for (const w of waiters) w.action(w.arg);
    }
    const rq = this.runQueue;
    if (p.backlog > 0 && p.parkedOn === null) {
      if (this.runHead === rq.length) {
        this.start(p); // nobody waiting for a core: keep it
        return;
      }
      rq.push(p);
    } else {
      p.scheduled = false;
    }
    if (this.runHead < rq.length) {
      const next = rq[this.runHead]!;
      this.runHead++;
      if (this.runHead === rq.length) {
        rq.length = 0;
        this.runHead = 0;
      } else if (this.runHead > 4096 && this.runHead * 2 > rq.length) {
        rq.splice(0, this.runHead);
        this.runHead = 0;
      }
      this.start(next);
    } else {
      this.busy--;
    }
  };
}
