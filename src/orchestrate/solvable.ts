/**
 * @module orchestrate/solvable
 * Which specs `solve` can sample: function specs. A class spec (`taskType: class`) is checked and verified
 * (`zerr verify`), but prompts, red flags and the vote are per function so far; solving one is refused before
 * anything is recorded, with one line that says so (decision 014).
 */
import { specIssue } from '../task-spec/checks/issue.js';
import { SpecValidationError } from '../task-spec/spec-validation-error.js';
import type { TaskSpec } from '../task-spec/task-spec.js';

/**
 * Throws when `spec` cannot be solved yet.
 * @throws SpecValidationError (`invalid_spec`) at `taskType` for a class spec.
 */
export function assertSolvable(spec: Pick<TaskSpec, 'id' | 'taskType'>): void {
  if (spec.taskType !== 'class') return;
  throw new SpecValidationError({
    source: spec.id,
    issues: [specIssue(spec.id, 'taskType', spec.taskType, "'function' for solve (class specs can be verified with zerr verify; sampling and voting on classes is not built yet)")],
  });
}
