/**
 * @module preflight/preflight-spec
 * Everything a spec must pass before it costs a sample, in one call: the checks of `task-spec/check-spec.ts` (names,
 * types, test cases, expressions; python3 for a Python spec's expressions), then its preconditions and invariants
 * run by the judge (`check-preconditions.ts`). `zerr spec check`, `zerr verify`, `Engine.run` (solve, demo, the HTTP
 * and MCP `solve`) and `Engine.verify` call it.
 */
import { checkTaskSpec } from '../task-spec/check-spec.js';
import { expressionSpecs, rebaseIssue } from '../task-spec/checks/class-spec.js';
import { SpecValidationError, type SpecIssue } from '../task-spec/spec-validation-error.js';
import type { TaskSpec } from '../task-spec/task-spec.js';
import { SpecCheckError } from '../task-spec/spec-check-error.js';
import { checkSpecPreconditions, type CheckPreconditionsOptions } from './check-preconditions.js';
import { checkPythonExpressionTypes } from './python-expression-types.js';

/** Options of {@link preflightSpec}: those of `checkSpecPreconditions`, and `pyright`. */
export interface PreflightOptions extends CheckPreconditionsOptions {
  /**
   * Also type-check a Python spec's expressions with pyright against the declared annotations (1-2 s). Default
   * false: `ast` and the name checks always run.
   */
  readonly pyright?: boolean;
}

/**
 * Checks `spec` completely. The static checks run first (then pyright, when asked); the judge starts only when they
 * pass and the spec has preconditions or invariants. Options as {@link checkSpecPreconditions} (`source` names the
 * spec in messages, default `spec`), and `pyright`.
 *
 * @throws SpecValidationError (`invalid_spec`) listing every issue found at the first stage that found any, each as
 *   `<source>: <field>: got <value>, expected <what>`.
 * @throws SpecCheckError (`spec_check_failed`) when python3, pyright (when asked) or the judge cannot run; SandboxUnavailableError
 *   (`sandbox_unavailable`); the `signal`'s reason.
 */
export async function preflightSpec(spec: TaskSpec, options: PreflightOptions): Promise<void> {
  const source = options.source ?? 'spec';
  const issues = await checkTaskSpec(spec, source, options.signal);
  if (issues.length > 0) throw new SpecValidationError({ source, issues });
  if (options.pyright === true) {
    const found: SpecIssue[] = [];
    for (const derived of expressionSpecs(spec)) {
      const typed = await checkPythonExpressionTypes(derived.spec, source, options.signal);
      if ('status' in typed) throw new SpecCheckError(`Cannot type-check the Python expressions of the spec with pyright: ${typed.status === 'not-installed' ? 'pyright is not installed' : typed.message ?? 'it failed'}`);
      found.push(...typed.map((issue) => rebaseIssue(issue, source, derived.prefix)));
    }
    if (found.length > 0) throw new SpecValidationError({ source, issues: found });
  }
  const evaluated = await checkSpecPreconditions(spec, options);
  if (evaluated.length > 0) throw new SpecValidationError({ source, issues: evaluated });
}
