/**
 * @module orchestrate/advisory-tests
 * Advisory tests: test cases of unknown reliability (e.g. tests written by the model itself, as in CodeT, Chen et al.
 * 2022, arXiv 2207.10397) that must not act as hard verification. Their inputs join the semantic-signature inputs,
 * and a class's agreement with their expected outputs (a property of the class, since members behave identically on
 * those inputs) gates which classes may win the vote and ranks the best partial result - CodeT's dual execution
 * agreement (§2.2: class size x tests passed) folded into first-to-ahead-by-k voting.
 */
import type { CallOutcome } from '../sandbox/candidate-runner.js';
import { expectsThrow, type TestCase } from '../task-spec/task-spec.js';
import { valuesEqual } from '../verify/values-equal.js';

/** Default share of the best class's advisory passes a class needs to stay eligible. */
export const DEFAULT_ADVISORY_THRESHOLD = 0.5;

/** How many of `tests` the outcomes agree with (`outcomes[i]` is the outcome of `tests[i].inputs`). */
export function advisoryPasses(tests: readonly TestCase[], outcomes: readonly (CallOutcome | undefined)[]): number {
  let passed = 0;
  tests.forEach((test, index) => {
    const outcome = outcomes[index];
    if (outcome === undefined) return;
    if (expectsThrow(test)) {
      if (outcome.kind === 'error') passed += 1;
    } else if (outcome.kind === 'value' && valuesEqual(outcome.value, test.expected)) {
      passed += 1;
    }
  });
  return passed;
}

/**
 * Classes allowed to win: those passing at least `threshold` x the most advisory tests any class passes. When no
 * class passes any (the tests are junk or absent), every class is eligible - the tests then carry no information.
 * @param passes classKey -> advisory tests passed. @param threshold in [0, 1].
 */
export function eligibleClasses(passes: ReadonlyMap<string, number>, threshold: number): Set<string> {
  const best = Math.max(0, ...passes.values());
  return new Set([...passes].filter(([, passed]) => best === 0 || passed >= threshold * best).map(([key]) => key));
}

/**
 * CodeT's dual agreement score of a class, `votes x advisory passes`, used to rank best-partial candidates; ties
 * fall back to votes (so with no informative tests this is the plain largest class).
 */
export function compareByDualAgreement(
  a: { readonly votes: number; readonly passed: number },
  b: { readonly votes: number; readonly passed: number },
): number {
  return b.votes * b.passed - a.votes * a.passed || b.votes - a.votes;
}
