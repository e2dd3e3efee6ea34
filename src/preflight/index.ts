/**
 * @module preflight
 * Public entry of the spec preflight: the checks a task spec passes before the first sample (static checks from
 * `spec`, preconditions and invariants evaluated by the sandboxed judge of `verify`). Light to load: the CLI's
 * `zerr spec check` imports it without the verification layers.
 */
export { preflightSpec, type PreflightOptions } from './preflight-spec.js';
export { checkPythonExpressionTypes } from './python-expression-types.js';
export { checkSpecPreconditions, type CheckPreconditionsOptions } from './check-preconditions.js';
export { SandboxJudge } from '../verify/judge/sandbox-judge.js';
