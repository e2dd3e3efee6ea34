/**
 * @module verify/static/typescript-lint-worker
 * Entry module of the lint worker thread (started by {@link TypeScriptLinter} on the first lint): one warm
 * {@link TypeScriptLintEngine} with its own compiler service for type-aware rules. ESLint, typescript-eslint and
 * eslint-plugin-security load here, in the worker, never in the engine's thread.
 */
import { serveBoundedWorker } from '../typescript/bounded-worker-protocol.js';
import { TypeScriptLintEngine, type LintResult } from './typescript-lint-engine.js';
import { WARM_UP_CODE, WARM_UP_RULES, type LintRequest } from './typescript-lint-worker-warm-up.js';

export type { LintRequest } from './typescript-lint-worker-warm-up.js';

const engine = new TypeScriptLintEngine();

serveBoundedWorker<LintRequest, LintResult>({
  // Loads ESLint and the plugins and parses the lib before the first candidate's time limit starts.
  warmUp: () => void engine.lint(WARM_UP_CODE, { rules: WARM_UP_RULES, typeAware: true }),
  handle: (request) => engine.lint(request.code, request.options),
});
