import type { QueuedMessage } from "./message.js";

/**
 * Ready messages of one priority level in publication order (ascending seq), as a ring buffer.
 * A requeued message is put back at its original position (classic queues,
 * docs/confirms.md#consumer-nacks-requeue), found by binary search. push / shift O(1) amortised;
 * a requeue costs O(distance from the head), usually small.
 */
export class ReadyList {
  private buf: (QueuedMessage | undefined)[] = new Array(16);
  private mask = 15;
  private head = 0;
  private size = 0;

  get length(): number {
    return this.size;
  }

  peek(): QueuedMessage | undefined {
    return this.size === 0 ? undefined : this.buf[this.head];
  }

  private at(i: number): QueuedMessage {
    return this.buf[(this.head + i) & this.mask]!;
  }

  push(m: QueuedMessage): void {
    if (this.size > 0 && this.at(this.size - 1).seq > m.seq) {
      this.insertBySeq(m);
      return;
    }
    if (this.size === this.buf.length) this.grow();
    this.buf[(this.head + this.size) & this.mask] = m;
    this.size++;
  }

  shift(): QueuedMessage | undefined {
    if (this.size === 0) return undefined;
    const m = this.buf[this.head];
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.size--;
    return m;
  }

  /** Put `m` back where its seq belongs (shifting the shorter side would be faster; the head side is what requeues hit). */
  insertBySeq(m: QueuedMessage): void {
    if (this.size === this.buf.length) this.grow();
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at(mid).seq < m.seq) lo = mid + 1;
      else hi = mid;
    }
    // move the first `lo` items one slot towards the front, then place m
    this.head = (this.head - 1) & this.mask;
    for (let i = 0; i < lo; i++) {
      this.buf[(this.head + i) & this.mask] = this.buf[(this.head + i + 1) & this.mask];
    }
    this.buf[(this.head + lo) & this.mask] = m;
    this.size++;
  }

  private grow(): void {
    const n = this.buf.length * 2;
    const next: (QueuedMessage | undefined)[] = new Array(n);
    for (let i = 0; i < this.size; i++) next[i] = this.at(i);
    this.buf = next;
    this.mask = n - 1;
    this.head = 0;
  }

  /** Remove and return every message (for purge / delete / finish). */
  drain(): QueuedMessage[] {
    const out: QueuedMessage[] = [];
    for (let i = 0; i < this.size; i++) out.push(this.at(i));
    this.buf = new Array(16);
    this.mask = 15;
    this.head = 0;
    this.size = 0;
    return out;
  }

  *[Symbol.iterator](): Iterator<QueuedMessage> {
    for (let i = 0; i < this.size; i++) yield this.at(i);
  }
}
