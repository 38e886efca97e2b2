import type { Nanoseconds } from "../engine/time.js";
import { LogLinearHistogram } from "../metrics/histogram.js";
import { type JsonObject, roundNumber } from "../metrics/result.js";

/**
 * Latency seen by the application: from publish to the moment a consumer's handler starts on
 * the message. Unlike the broker's publish-to-delivery latency it includes the time a delivery
 * waits in the consumer's prefetch buffer (what `prefetch: 1` saves). Recorded per consumer
 * group and per producer group; written to result.extensions.clientLatency (seconds).
 */
export class ClientLatency {
  private readonly byConsumer = new Map<string, LogLinearHistogram>();
  private readonly byProducer = new Map<string, LogLinearHistogram>();

  record(consumer: string, producer: string, latency: Nanoseconds): void {
    hist(this.byConsumer, consumer).record(latency);
    if (producer !== "") hist(this.byProducer, producer).record(latency);
  }

  get empty(): boolean {
    return this.byConsumer.size === 0;
  }

  toJson(): JsonObject {
    return { unit: "s", byConsumer: stats(this.byConsumer), byProducer: stats(this.byProducer) };
  }
}

function hist(m: Map<string, LogLinearHistogram>, key: string): LogLinearHistogram {
  let h = m.get(key);
  if (!h) {
    h = new LogLinearHistogram();
    m.set(key, h);
  }
  return h;
}

function stats(m: Map<string, LogLinearHistogram>): JsonObject {
  const out: Record<string, JsonObject> = {};
  const s = (ns: number) => roundNumber(ns / 1e9);
  for (const key of [...m.keys()].sort()) {
    const h = m.get(key)!;
    out[key] = {
      count: h.count,
      mean: s(h.mean),
      p50: s(h.quantile(0.5)),
      p95: s(h.quantile(0.95)),
      p99: s(h.quantile(0.99)),
      max: s(h.max),
    };
  }
  return out;
}
