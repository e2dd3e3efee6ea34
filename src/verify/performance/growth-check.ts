/**
 * @module verify/performance/growth-check
 * The "accidentally quadratic" judgement of the `performance` layer: from call times on a ladder of input sizes
 * `n, 2n, 4n, ...` (the fastest of the repetitions: scheduling noise only ever adds time), take the span from the
 * first size that is at least `minSize` and measurable (>= `minMeasurableMs`) to the last size that finished, and
 * flag it when the time grows more than `maxRatio` times per doubling (geometric mean over the span). When the span
 * has more than two doublings, its last two are judged too and the steeper ratio counts: noise only adds time and
 * weighs most on the smallest measurable size (a 1 ms stall at n=256 once turned a quadratic's 4x into 1.7x on a
 * loaded 2-core machine), while the largest sizes carry the most signal.
 *
 * Thresholds (defaults): `maxRatio` 3 (linear doubles, n log n about 2.2, quadratic quadruples; 3 splits them
 * with room for noise), `minSize` 256 (below it constant costs dominate), `minMeasurableMs` 1 (below it timer
 * resolution and scheduling noise dominate a ratio). When no such step finished but one timed out after a
 * measurable `t`, the ratio is at least `timeoutMs / t`, judged the same way.
 */

/** The measurement at one size: the time in ms (the fastest repetition), or `'timeout'` past the call limit. */
export interface SizedTiming {
  readonly size: number;
  readonly medianMs: number | 'timeout';
}

/** Thresholds of {@link judgeGrowth}. */
export interface GrowthThresholds {
  /** Default 3. */
  readonly maxRatio?: number;
  /** Default 256. */
  readonly minSize?: number;
  /** Default 1 (ms). */
  readonly minMeasurableMs?: number;
  /** Per-call limit used as the lower bound of a timed-out size, in ms. */
  readonly timeoutMs: number;
}

/**
 * Outcome of the growth check. `ratio` is the growth per doubling, the geometric mean over the judged span
 * `n .. nLast` (`(msLast / ms) ^ (1 / doublings)`), which averages out the noise of a single step.
 */
export type GrowthVerdict =
  | {
      readonly kind: 'flagged' | 'ok';
      readonly n: number;
      readonly ms: number;
      readonly nLast: number;
      readonly msLast: number | 'timeout';
      readonly ratio: number;
    }
  | { readonly kind: 'inconclusive'; readonly why: string };

/** Judges a ladder of timings sorted by size (each size double the previous). */
export function judgeGrowth(ladder: readonly SizedTiming[], thresholds: GrowthThresholds): GrowthVerdict {
  const maxRatio = thresholds.maxRatio ?? 3;
  const minSize = thresholds.minSize ?? 256;
  const minMs = thresholds.minMeasurableMs ?? 1;
  const verdict = (small: SizedTiming & { medianMs: number }, large: SizedTiming, ratio: number): GrowthVerdict => ({
    kind: ratio > maxRatio ? 'flagged' : 'ok',
    n: small.size,
    ms: small.medianMs,
    nLast: large.size,
    msLast: large.medianMs,
    ratio,
  });
  const measurable = (t: SizedTiming | undefined): t is SizedTiming & { medianMs: number } =>
    t !== undefined && t.size >= minSize && t.medianMs !== 'timeout' && t.medianMs >= minMs;
  const first = ladder.findIndex((t, i) => measurable(t) && ladder[i + 1]?.size === t.size * 2);
  const start = ladder[first];
  if (first >= 0 && measurable(start)) {
    let last = first;
    while (last + 1 < ladder.length && ladder[last + 1]?.medianMs !== 'timeout' && ladder[last + 1]?.size === (ladder[last]?.size ?? 0) * 2) last++;
    const end = ladder[last];
    if (last > first && end !== undefined && end.medianMs !== 'timeout') {
      const ratio = (end.medianMs / start.medianMs) ** (1 / (last - first));
      // Noise only adds time, and it weighs most on the smallest measurable size: a stall there flattens the
      // whole span. The last two doublings, where times are largest, are judged as well, and the steeper counts.
      const upper = last - first > 2 ? ladder[last - 2] : undefined;
      if (measurable(upper)) {
        const upperRatio = (end.medianMs / upper.medianMs) ** (1 / 2);
        if (upperRatio > ratio) return verdict(upper, end, upperRatio);
      }
      return verdict(start, end, ratio);
    }
    const next = ladder[first + 1];
    if (next !== undefined) return verdict(start, next, thresholds.timeoutMs / start.medianMs); // a lower bound
  }
  if (ladder[0]?.medianMs === 'timeout') return { kind: 'inconclusive', why: `n=${ladder[0].size} already timed out` };
  const lastTiming = ladder[ladder.length - 1];
  return { kind: 'inconclusive', why: `too fast to measure up to n=${lastTiming?.size ?? 0} (< ${minMs} ms)` };
}
