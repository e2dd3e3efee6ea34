/**
 * @module verify/performance/growth-check
 * The "accidentally quadratic" judgement of the `performance` layer: from median call times on a ladder of input
 * sizes `n, 2n, 4n, ...`, take the first doubling step whose smaller size is at least `minSize` and whose time is
 * measurable (median >= `minMeasurableMs`), and flag it when the time grows more than `maxRatio` times.
 *
 * Thresholds (defaults): `maxRatio` 3 (linear doubles, n log n about 2.2, quadratic quadruples; 3 splits them
 * with room for noise), `minSize` 256 (below it constant costs dominate), `minMeasurableMs` 2 (below it timer
 * resolution and scheduling noise dominate a ratio). When the larger size timed out and the smaller took
 * `t >= minMeasurableMs`, the ratio is at least `timeoutMs / t`, judged the same way.
 */

/** The measurement at one size: median ms, or `'timeout'` when the call went over its limit. */
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
  /** Default 2 (ms). */
  readonly minMeasurableMs?: number;
  /** Per-call limit used as the lower bound of a timed-out size, in ms. */
  readonly timeoutMs: number;
}

/** Outcome of the growth check: `flagged` with the step, `ok` with the step, or `inconclusive` with why. */
export type GrowthVerdict =
  | { readonly kind: 'flagged' | 'ok'; readonly n: number; readonly ms: number; readonly ms2n: number | 'timeout'; readonly ratio: number }
  | { readonly kind: 'inconclusive'; readonly why: string };

/** Judges a ladder of timings sorted by size (each size double the previous). */
export function judgeGrowth(ladder: readonly SizedTiming[], thresholds: GrowthThresholds): GrowthVerdict {
  const maxRatio = thresholds.maxRatio ?? 3;
  const minSize = thresholds.minSize ?? 256;
  const minMs = thresholds.minMeasurableMs ?? 2;
  for (let i = 0; i + 1 < ladder.length; i++) {
    const small = ladder[i];
    const large = ladder[i + 1];
    if (small === undefined || large === undefined || small.size < minSize || large.size !== small.size * 2) continue;
    if (small.medianMs === 'timeout') return { kind: 'inconclusive', why: `n=${small.size} already timed out` };
    if (small.medianMs < minMs) continue;
    const ratio = large.medianMs === 'timeout' ? thresholds.timeoutMs / small.medianMs : large.medianMs / small.medianMs;
    return { kind: ratio > maxRatio ? 'flagged' : 'ok', n: small.size, ms: small.medianMs, ms2n: large.medianMs, ratio };
  }
  const last = ladder[ladder.length - 1];
  return { kind: 'inconclusive', why: `too fast to measure up to n=${last?.size ?? 0} (median < ${minMs} ms)` };
}
