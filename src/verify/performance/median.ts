/**
 * @module verify/performance/median
 * The median of a sample of timings (robust to one slow outlier such as a GC pause or a cold cache).
 */

/** Median of `values` (mean of the two middle ones for an even count); `undefined` for an empty list. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? upper) + upper) / 2;
}
