/**
 * @module orchestrate/solvable
 * Which checked specs `solve` can sample: every function spec, and every class or module spec (voted on its call
 * sequences, decision 014) without advisory tests - advisory tests are function test cases (CodeT), with no
 * meaning for a class. Refused before anything is recorded, with one line that says so.
 */
import { specIssue } from '../task-spec/checks/issue.js';
import { SpecValidationError } from '../task-spec/spec-validation-error.js';
import type { TaskSpec } from '../task-spec/task-spec.js';

/**
 * Throws when `spec` cannot be solved with `advisoryTests` advisory tests.
 * @throws SpecValidationError (`invalid_spec`) at `taskType` for a class or module spec given advisory tests.
 */
export function assertSolvable(spec: Pick<TaskSpec, 'id' | 'taskType'>, advisoryTests = 0): void {
  if ((spec.taskType !== 'class' && spec.taskType !== 'module') || advisoryTests === 0) return;
  throw new SpecValidationError({
    source: spec.id,
    issues: [specIssue(spec.id, 'taskType', spec.taskType, `'function' with ${advisoryTests} advisory test${advisoryTests === 1 ? '' : 's'} (advisory tests are function test cases; a ${spec.taskType} is voted on its call sequences)`)],
  });
}
