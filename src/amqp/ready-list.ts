import type { QueuedMessage } from "./message.js";

/**
 * Ready messages of one priority level in publication order (ascending seq). A requeued message is
 * put back at its original position (classic queues, docs/confirms.md#consumer-nacks-requeue),
 * found by binary search. Array + head index: push / shift O(1) amortised, requeue O(n) worst case.
 */
export class ReadyList {
  private items: QueuedMessage[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  peek(): QueuedMessage | undefined {
    return this.items[this.head];
  }

  push(m: QueuedMessage): void {
    const n = this.items.length;
    if (n > this.head && this.items[n - 1]!.seq > m.seq) this.insertBySeq(m);
    else this.items.push(m);
  }

  shift(): QueuedMessage | undefined {
    if (this.head >= this.items.length) return undefined;
    const m = this.items[this.head]!;
    this.items[this.head] = undefined as unknown as QueuedMessage;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return m;
  }

  /** Put `m` back where its seq belongs. */
  insertBySeq(m: QueuedMessage): void {
    let lo = this.head;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.items[mid]!.seq < m.seq) lo = mid + 1;
      else hi = mid;
    }
    if (lo === this.head && this.head > 0) {
      this.head--;
      this.items[this.head] = m;
    } else this.items.splice(lo, 0, m);
  }

  /** Remove and return every message (for purge / delete / finish). */
  drain(): QueuedMessage[] {
    const out = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return out;
  }

  *[Symbol.iterator](): Iterator<QueuedMessage> {
    for (let i = this.head; i < this.items.length; i++) yield this.items[i]!;
  }
}
