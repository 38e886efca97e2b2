import { type HistogramBucket, type HistogramData, roundNumber } from "./result.js";

/** Default sub-buckets per power of two: 2^7 = 128, so a bucket is at most 1/128 of its value wide. */
export const DEFAULT_SUB_BITS = 7;
const NS_PER_S = 1e9;

/**
 * A log-linear histogram of non-negative integer values (nanoseconds), in the style of
 * HdrHistogram: with b sub-bucket bits, values below 2^b have exact buckets; above, each power of
 * two [2^e, 2^(e+1)) is split into 2^b equal sub-buckets. Quantiles are therefore within
 * 1/2^(b+1) of the true value whatever the range (1 ns to 104 days): 0.4 % with the default
 * b = 7, which is exact enough for p99.9; 1.6 % with b = 5 (used per queue, to save memory).
 *
 * Memory: a dense array over the span of bucket indices actually used (2^b numbers per power of
 * two spanned, e.g. 1.3 k numbers for latencies between 1 ms and 1 s at b = 7), grown on demand.
 * record() is O(1) amortised; quantile() is O(buckets).
 */
export class LogLinearHistogram {
  private counts: number[] = [];
  /** Bucket index of counts[0]. */
  private offset = 0;
  private n = 0;
  private total = 0;
  private lo = Number.POSITIVE_INFINITY;
  private hi = Number.NEGATIVE_INFINITY;

  /** @param subBits sub-bucket bits b (1..12): relative bucket width at most 1/2^b. */
  constructor(readonly subBits: number = DEFAULT_SUB_BITS) {
    if (!(Number.isInteger(subBits) && subBits >= 1 && subBits <= 12)) {
      throw new RangeError(`LogLinearHistogram: subBits must be an integer in 1..12, got ${subBits}`);
    }
  }

  get count(): number {
    return this.n;
  }
  /** Smallest recorded value; 0 when empty. */
  get min(): number {
    return this.n === 0 ? 0 : this.lo;
  }
  /** Largest recorded value; 0 when empty. */
  get max(): number {
    return this.n === 0 ? 0 : this.hi;
  }
  get sum(): number {
    return this.total;
  }
  get mean(): number {
    return this.n === 0 ? 0 : this.total / this.n;
  }

  /** Record one value (ns). Negative values are clamped to 0, fractions floored. */
  record(value: number): void {
    const v = value > 0 ? Math.floor(value) : 0;
    this.recordInBucket(v, bucketIndex(v, this.subBits));
  }

  /**
   * record() for a value already clamped and floored, whose bucket the caller found:
   * `index` = bucketIndex(v, subBits) (a caller recording one value in several histograms finds
   * each index once).
   */
  recordInBucket(v: number, index: number): void {
    this.addIndex(index, 1);
    this.n++;
    this.total += v;
    if (v < this.lo) this.lo = v;
    if (v > this.hi) this.hi = v;
  }

  /**
   * The q-quantile (0 <= q <= 1) by nearest rank: the smallest bucket whose cumulative count
   * reaches ceil(q * count), reported as the bucket's midpoint clamped to [min, max].
   * q = 0 gives min, q = 1 gives max; 0 when empty.
   */
  quantile(q: number): number {
    if (this.n === 0) return 0;
    if (q <= 0) return this.lo;
    if (q >= 1) return this.hi;
    const rank = Math.max(1, Math.ceil(q * this.n));
    let cum = 0;
    for (let i = 0; i < this.counts.length; i++) {
      cum += this.counts[i]!;
      if (cum >= rank) {
        const idx = i + this.offset;
        const lower = bucketLower(idx, this.subBits);
        const upper = bucketLower(idx + 1, this.subBits);
        const mid = upper - lower <= 1 ? lower : (lower + upper) / 2;
        return Math.min(this.hi, Math.max(this.lo, mid));
      }
    }
    return this.hi;
  }

  /** Non-empty buckets in increasing order: [lower, upper) in ns and the count. */
  forEachBucket(fn: (lower: number, upper: number, count: number) => void): void {
    for (let i = 0; i < this.counts.length; i++) {
      const c = this.counts[i]!;
      if (c > 0)
        fn(bucketLower(i + this.offset, this.subBits), bucketLower(i + this.offset + 1, this.subBits), c);
    }
  }

  /** Add every value of `other` to this histogram. */
  merge(other: LogLinearHistogram): void {
    if (other.subBits !== this.subBits) {
      throw new RangeError(`merge: sub-bucket bits differ (${this.subBits} vs ${other.subBits})`);
    }
    if (other.n === 0) return;
    other.forEachBucket((lower, _upper, c) => {
      // the bucket's lower bound lands in the same bucket here
      this.addToBucket(lower, c);
    });
    this.n += other.n;
    this.total += other.total;
    if (other.lo < this.lo) this.lo = other.lo;
    if (other.hi > this.hi) this.hi = other.hi;
  }

  reset(): void {
    this.counts = [];
    this.offset = 0;
    this.n = 0;
    this.total = 0;
    this.lo = Number.POSITIVE_INFINITY;
    this.hi = Number.NEGATIVE_INFINITY;
  }

  /**
   * Export in seconds as log-spaced buckets, `bucketsPerDecade` per power of ten (see
   * HistogramData). Each fine bucket is assigned by its midpoint.
   */
  toData(bucketsPerDecade = 10): HistogramData {
    const buckets: HistogramBucket[] = [];
    let zero = 0;
    let curK = Number.NaN;
    let curCount = 0;
    const flush = (): void => {
      if (curCount > 0) {
        buckets.push({
          lower: roundNumber(10 ** (curK / bucketsPerDecade)),
          upper: roundNumber(10 ** ((curK + 1) / bucketsPerDecade)),
          count: curCount,
        });
      }
      curCount = 0;
    };
    this.forEachBucket((lower, upper, c) => {
      if (upper <= 1) {
        zero += c;
        return;
      }
      const mid = upper - lower <= 1 ? lower : (lower + upper) / 2;
      const k = Math.floor(Math.log10(mid / NS_PER_S) * bucketsPerDecade + 1e-9);
      if (k !== curK) {
        flush();
        curK = k;
      }
      curCount += c;
    });
    flush();
    if (zero > 0) buckets.unshift({ lower: 0, upper: 1e-9, count: zero });
    return {
      unit: "s",
      bucketsPerDecade,
      count: this.n,
      min: roundNumber(this.min / NS_PER_S),
      max: roundNumber(this.max / NS_PER_S),
      mean: roundNumber(this.mean / NS_PER_S),
      buckets,
    };
  }

  private addToBucket(v: number, c: number): void {
    this.addIndex(bucketIndex(v, this.subBits), c);
  }

  private addIndex(idx: number, c: number): void {
    if (this.counts.length === 0) {
      this.offset = idx;
      this.counts.push(0);
    } else if (idx < this.offset) {
      this.counts = new Array<number>(this.offset - idx).fill(0).concat(this.counts);
      this.offset = idx;
    }
    const slot = idx - this.offset;
    while (this.counts.length <= slot) this.counts.push(0);
    this.counts[slot]! += c;
  }
}

/** floor(log2(v)) for an integer v >= 1, exact up to 2^53. */
function log2Floor(v: number): number {
  if (v < 0x1_0000_0000) return 31 - Math.clz32(v);
  return 32 + (31 - Math.clz32(Math.floor(v / 0x1_0000_0000)));
}

/** Bucket index of an integer value >= 0, with `bits` sub-bucket bits. */
export function bucketIndex(v: number, bits: number = DEFAULT_SUB_BITS): number {
  const SUB_COUNT = 1 << bits;
  if (v < SUB_COUNT) return v;
  if (v < 0x1_0000_0000) {
    // 32-bit fast path (values below 4.3 s in ns): shifts instead of a division by 2^shift
    const shift = 31 - Math.clz32(v) - bits;
    return (shift + 1) * SUB_COUNT + ((v >>> shift) - SUB_COUNT);
  }
  const shift = log2Floor(v) - bits;
  const sub = Math.floor(v / 2 ** shift); // in [2^bits, 2^(bits+1))
  return (shift + 1) * SUB_COUNT + (sub - SUB_COUNT);
}

/** Smallest value in bucket `idx`, with `bits` sub-bucket bits. */
export function bucketLower(idx: number, bits: number = DEFAULT_SUB_BITS): number {
  const SUB_COUNT = 1 << bits;
  if (idx < SUB_COUNT) return idx;
  const shift = Math.floor(idx / SUB_COUNT) - 1;
  const sub = (idx % SUB_COUNT) + SUB_COUNT;
  return sub * 2 ** shift;
}
