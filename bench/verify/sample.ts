/**
 * @module bench/verify/sample
 * Seeded sampling and small summary helpers shared by the verification benchmarks.
 */
import { mulberry32 } from '../../src/llm/seeded-shuffle.js';
import { median, quantile } from '../lib/benchmark.js';

/** `count` items of `items` drawn without replacement (Fisher-Yates on a copy), in draw order. */
export function seededSample<T>(items: readonly T[], count: number, seed: number): T[] {
  const random = mulberry32(seed);
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy.slice(0, count);
}

/** Median, p10, p90 and mean of `values` (ms), rounded to 0.1. */
export interface Spread {
  readonly n: number;
  readonly median: number;
  readonly p10: number;
  readonly p90: number;
  readonly mean: number;
}

/** The {@link Spread} of `values`. */
export function spread(values: readonly number[]): Spread {
  const mean = values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
  return { n: values.length, median: round1(median(values)), p10: round1(quantile(values, 0.1)), p90: round1(quantile(values, 0.9)), mean: round1(mean) };
}

/** Rounds to one decimal. */
export function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
