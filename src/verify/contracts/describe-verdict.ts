/**
 * @module verify/contracts/describe-verdict
 * Reasons for a person, from a failing {@link CheckVerdict}: `postcondition "result >= 0" violated for
 * abs_diff(-3, 5)`.
 */
import type { CheckPlan, CheckVerdict, ExpressionGroup } from './check-plan.js';

/** The expression text of `group[index]` in `plan`. */
export function expressionOf(plan: CheckPlan, by: ExpressionGroup, index: number): string {
  if (by === 'precondition') return plan.preconditions[index] ?? '?';
  if (by === 'invariant') return plan.invariants[index] ?? '?';
  return plan.checks[index]?.expression ?? '?';
}

/**
 * Why `verdict` fails the layer, or undefined when it does not (`ok`, `skip`, and `threw` unless `throwFails`).
 * @param call the rendered call, e.g. `abs_diff(-3, 5)`.
 * @param timeoutMs the per-call limit, for timeout reasons.
 * @param throwFails whether an exception thrown by the candidate is a failure.
 * @param checkVerb the verb for a false check: `violated` (default) or `failed`.
 */
export function describeFailure(
  verdict: CheckVerdict,
  plan: CheckPlan,
  call: string,
  options: { readonly timeoutMs: number; readonly throwFails: boolean; readonly checkVerb?: string },
): string | undefined {
  switch (verdict.v) {
    case 'ok':
    case 'skip':
      return undefined;
    case 'threw':
      return options.throwFails ? `${call} threw ${verdict.errorType}: ${verdict.message}` : undefined;
    case 'violated': {
      const because = verdict.error === undefined ? '' : ` (evaluating it threw ${verdict.error})`;
      if (verdict.by === 'invariant') {
        return `invariant ${JSON.stringify(expressionOf(plan, 'invariant', verdict.index))} does not hold after ${call}${because}`;
      }
      return `${plan.checks[verdict.index]?.label ?? 'check'} ${options.checkVerb ?? 'violated'} for ${call}${because}`;
    }
    case 'timeout':
      return `${call} timed out after ${options.timeoutMs} ms`;
    case 'spec-error':
      if (/took longer than/.test(verdict.message)) return `for ${call}, ${verdict.message}`;
      return `the spec's ${verdict.by === 'check' ? 'expression' : verdict.by} ${JSON.stringify(expressionOf(plan, verdict.by, verdict.index))} is not valid ${plan.language === 'typescript' ? 'TypeScript' : 'Python'}: ${verdict.message}`;
    case 'no-entry':
      return `entry point '${plan.entryPoint}' is not defined as a function`;
    case 'error':
      return `checking ${call} failed: ${verdict.message}`;
  }
}
