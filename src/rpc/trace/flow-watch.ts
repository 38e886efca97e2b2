import type { Broker } from "../../amqp/broker.js";
import { AmqpTransport } from "../amqp-transport.js";
import type { KeptFlow } from "../recorder.js";
import { spanJson } from "../result.js";
import type { RpcSystem } from "../system.js";
import { mergeLines, Narrator, narrateSpans, type TraceLine } from "./narrator.js";

/**
 * Narrates one flow (`boot#1`): every AMQP message whose RPC span belongs to the flow's trace
 * (requests, replies, call-monitor heartbeats, fanout copies), and the RPC steps of its spans.
 */
export class FlowWatch {
  private trace = -1;
  private flow: KeptFlow | null = null;
  readonly narrator: Narrator;

  constructor(
    broker: Broker,
    private readonly system: RpcSystem,
    readonly name: string,
    readonly k: number,
  ) {
    const transport = system.transport instanceof AmqpTransport ? system.transport : null;
    system.recorder.flowStartHooks.push((n, kk, trace) => {
      if (n === name && kk === k) this.trace = trace;
    });
    system.recorder.flowDoneHooks.push((f) => {
      if (f.trace === this.trace) this.flow = f;
    });
    this.narrator = new Narrator(
      broker,
      () => this.trace >= 0 && transport !== null && transport.publishing?.span.trace === this.trace,
    );
  }

  /** The flow has started and every one of its requests has closed. */
  get done(): boolean {
    return this.flow !== null;
  }

  get started(): boolean {
    return this.trace >= 0;
  }

  /** Broker and RPC lines in time order (so far, if the flow has not completed). */
  lines(): TraceLine[] {
    const spans = this.flow?.spans ?? this.system.recorder.openFlowSpans(this.trace);
    const poll = this.system.spec.oslo.replyPollInterval / 1e9;
    return mergeLines(this.narrator.lines, narrateSpans(spans.map(spanJson), poll));
  }
}
