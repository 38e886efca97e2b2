import type { TraceLine } from "./narrator.js";

/** Longest group of steps that can repeat (enqueue + deliver per copy of a fanout is 2). */
const MAX_PERIOD = 4;
/** Fold only runs of at least this many repetitions of a group. */
const MIN_REPEATS = 6;
/** Repetitions kept before the summary line, and after it. */
const HEAD = 3;
const TAIL = 1;

/** A line's text with every number made alike: the same step for another queue or host. */
const shapeOf = (text: string): string => text.replace(/\d+(\.\d+)?/g, "#");

/**
 * Folds a narrated trace where the same group of up to four steps repeats many times in a row
 * (a fanout to 1,000 queues narrates a binding, an enqueue, a delivery and an ack per copy: 4,000
 * lines). Two lines count as the same step when they differ only in numbers ('compute-3' and
 * 'compute-4'). A run of at least MIN_REPEATS groups keeps its first HEAD groups and its last,
 * and one line in between says how many were left out and until when. Other lines pass through.
 */
export function foldRepeats(lines: readonly TraceLine[]): TraceLine[] {
  const shapes = lines.map((l) => shapeOf(l.text));
  const out: TraceLine[] = [];
  let i = 0;
  while (i < lines.length) {
    let bestPeriod = 0;
    let bestRepeats = 0;
    for (let p = 1; p <= MAX_PERIOD; p++) {
      let repeats = 1;
      while (sameGroup(shapes, i, i + repeats * p, p)) repeats++;
      if (repeats >= MIN_REPEATS && repeats * p > bestRepeats * bestPeriod) {
        bestPeriod = p;
        bestRepeats = repeats;
      }
    }
    if (bestPeriod === 0) {
      out.push(lines[i]!);
      i++;
      continue;
    }
    const p = bestPeriod;
    const end = i + bestRepeats * p;
    const foldFrom = i + HEAD * p;
    const foldTo = end - TAIL * p;
    out.push(...lines.slice(i, foldFrom));
    const first = lines[foldFrom]!;
    const last = lines[foldTo - 1]!;
    const steps = p === 1 ? "step" : `${p} steps`;
    const until = last.time !== first.time ? `, until ${last.time} s` : "";
    out.push({
      time: first.time,
      msgId: first.msgId,
      ...(first.order !== undefined ? { order: first.order } : {}),
      text: `… the ${steps} above ${(foldTo - foldFrom) / p} more times for other queues or hosts${until} (--no-fold prints them)`,
    });
    out.push(...lines.slice(foldTo, end));
    i = end;
  }
  return out;
}

/** Whether the p lines from `at` have the same shapes as the p lines from `from`. */
function sameGroup(shapes: readonly string[], from: number, at: number, p: number): boolean {
  if (at + p > shapes.length) return false;
  for (let j = 0; j < p; j++) if (shapes[at + j] !== shapes[from + j]) return false;
  return true;
}
