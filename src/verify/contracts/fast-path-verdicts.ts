/**
 * @module verify/contracts/fast-path-verdicts
 * Verdicts the judge would give that need no judge: the `pre` verdicts of a spec whose preconditions and invariants
 * are all fast-path expressions (`task-spec/simple-conditions.ts`, decision 011), and the `check` verdicts of a plan
 * with nothing to check after the call (no invariants, no postconditions or properties), which follow from the
 * outcome's kind alone. Neither runs any text of the spec or of the candidate as code: the fast path's evaluator
 * applies JavaScript's operators to the input values, and an outcome is read as plain data.
 */
import type { CallOutcome } from '../../sandbox/index.js';
import { SimpleEvaluationError, simpleConditions } from '../../task-spec/simple-conditions.js';
import type { TaskSpec } from '../../task-spec/task-spec.js';
import type { CheckPlan, CheckVerdict } from './check-plan.js';

/** Longest error type and message a `threw` verdict keeps (as the judge does), in UTF-16 code units. */
const THREW_TEXT_LIMIT = 300;

/**
 * The judge's `pre` verdicts on `calls` (per call: the first false precondition gives `skip` by `precondition`, then the
 * first false invariant `skip` by `invariant`, else `ok`), computed by the fast path's evaluator. Undefined - the judge
 * then decides - when the spec is not TypeScript, a condition is off the fast path, a value is not of its declared
 * type, or an expression is nested beyond this thread's stack.
 * @param calls argument tuples in the signature's order.
 */
export function fastPathPreVerdicts(spec: TaskSpec, calls: readonly (readonly unknown[])[]): CheckVerdict[] | undefined {
  const conditions = simpleConditions(spec);
  if (conditions === undefined) return undefined;
  const parameters = spec.signature.inputs.map((input) => input.name);
  try {
    return calls.map((args): CheckVerdict => {
      const scope = new Map<string, unknown>(parameters.map((name, index) => [name, args[index]]));
      for (const by of ['precondition', 'invariant'] as const) {
        const index = conditions[by].findIndex((condition) => !condition.evaluate(scope));
        if (index >= 0) return { v: 'skip', by, index };
      }
      return { v: 'ok' };
    });
  } catch (error) {
    if (error instanceof SimpleEvaluationError || error instanceof RangeError) return undefined; // RangeError: nested beyond the stack
    throw error;
  }
}

/** Whether the judge's `check` verdicts under `plan` follow from the outcomes alone: no invariants and no checks. */
export function checkNeedsJudge(plan: CheckPlan): boolean {
  return plan.invariants.length + plan.checks.length > 0;
}

/**
 * The judge's `check` verdict on an outcome when the plan has nothing to check after the call
 * (`checkNeedsJudge(plan)` false) and the inputs passed the `pre` checks: `timeout`, `threw` (error type and message
 * cut at 300 characters, as the judge does) or `ok`.
 */
export function outcomeVerdict(outcome: CallOutcome): CheckVerdict {
  if (outcome.kind === 'timeout') return { v: 'timeout' };
  if (outcome.kind === 'error') {
    return { v: 'threw', errorType: String(outcome.errorType).slice(0, THREW_TEXT_LIMIT), message: String(outcome.message).slice(0, THREW_TEXT_LIMIT) };
  }
  return { v: 'ok' };
}
