/**
 * @module verify/properties/shrink-counterexample
 * Greedy shrinking of a failing input along fast-check's shrink tree (`Arbitrary.shrink`, the same tree `fc.check`
 * walks), evaluating shrink candidates in batches - one sandbox run per batch - under a cap on runs.
 */
import type fc from 'fast-check';

/** Options of {@link shrinkCounterexample}. */
export interface ShrinkOptions<T, V> {
  readonly arbitrary: fc.Arbitrary<T>;
  /** The failing value, with its shrink context. */
  readonly start: fc.Value<T>;
  /** The verdict of `start`. */
  readonly startVerdict: V;
  /**
   * Evaluates a batch in one run: a verdict per value, or undefined when the run failed (shrinking then stops).
   */
  readonly evaluate: (batch: readonly T[]) => Promise<readonly V[] | undefined>;
  readonly isFailure: (verdict: V) => boolean;
  /** Shrink candidates per run, integer >= 1. */
  readonly batchSize: number;
  /** Cap on `evaluate` calls, integer >= 0. */
  readonly maxRuns: number;
}

/** The smallest failing value reached, its verdict, the `evaluate` calls made and the accepted shrink steps. */
export interface ShrinkResult<T, V> {
  readonly value: T;
  readonly verdict: V;
  readonly runs: number;
  readonly steps: number;
}

/**
 * Walks the shrink tree: takes the next `batchSize` children of the current value, evaluates them together, and moves
 * to the first that still fails (fast-check moves to the first failing child too, one child at a time); when no
 * child of the batch fails, the next batch of the same children is tried. Stops when the children are exhausted
 * (a local minimum) or after `maxRuns` runs. Deterministic for a deterministic `evaluate`.
 */
export async function shrinkCounterexample<T, V>(options: ShrinkOptions<T, V>): Promise<ShrinkResult<T, V>> {
  let current = options.start;
  let verdict = options.startVerdict;
  let runs = 0;
  let steps = 0;
  let children = options.arbitrary.shrink(current.value, current.context)[Symbol.iterator]();
  while (runs < options.maxRuns) {
    const batch: fc.Value<T>[] = [];
    while (batch.length < options.batchSize) {
      const next = children.next();
      if (next.done === true) break;
      batch.push(next.value);
    }
    if (batch.length === 0) break;
    runs += 1;
    const verdicts = await options.evaluate(batch.map((v) => v.value));
    if (verdicts === undefined) break;
    const index = verdicts.findIndex((v) => options.isFailure(v));
    const found = batch[index];
    const foundVerdict = verdicts[index];
    if (index < 0 || found === undefined || foundVerdict === undefined) continue;
    current = found;
    verdict = foundVerdict;
    steps += 1;
    children = options.arbitrary.shrink(current.value, current.context)[Symbol.iterator]();
  }
  return { value: current.value, verdict, runs, steps };
}
