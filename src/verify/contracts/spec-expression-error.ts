/**
 * @module verify/contracts/spec-expression-error
 * The defensive end of a spec expression the judge cannot evaluate (it does not compile). The spec check refuses
 * such a spec before the first sample (`preflight/`), so a layer meeting one means a spec reached it unchecked: the
 * layer throws `invalid_spec` rather than skip (a silent pass) or fail (blaming the candidate).
 */
import { SpecValidationError } from '../../task-spec/spec-validation-error.js';
import { specIssue } from '../../task-spec/checks/issue.js';
import type { CheckPlan, CheckVerdict } from './check-plan.js';
import { expressionOf } from './describe-verdict.js';

/** A `spec-error` verdict of the judge that is not an evaluation timeout (a timeout depends on the result). */
export function isCompileError(verdict: CheckVerdict): verdict is Extract<CheckVerdict, { v: 'spec-error' }> {
  return verdict.v === 'spec-error' && !/took longer than/.test(verdict.message);
}

/**
 * The `invalid_spec` error for a `spec-error` verdict: field `preconditions.<i>`, `invariants.<i>`, or the check's
 * field (`checkField(i)`, e.g. `postconditions.<i>` or `properties.<i>.expression`).
 */
export function specExpressionError(
  verdict: Extract<CheckVerdict, { v: 'spec-error' }>,
  plan: CheckPlan,
  checkField: (index: number) => string,
): SpecValidationError {
  const path = verdict.by === 'precondition' ? `preconditions.${verdict.index}` : verdict.by === 'invariant' ? `invariants.${verdict.index}` : checkField(verdict.index);
  const language = plan.language === 'typescript' ? 'TypeScript' : 'Python';
  const issue = specIssue('spec', path, expressionOf(plan, verdict.by, verdict.index), `a valid ${language} expression (${verdict.message})`);
  return new SpecValidationError({ source: 'spec', issues: [issue] });
}
