/**
 * @module verify/static/typescript-lint-worker
 * Entry module of the lint worker thread (started by {@link TypeScriptLinter} on the first lint): one warm
 * {@link TypeScriptLintEngine} with its own compiler service for type-aware rules. ESLint, typescript-eslint and
 * eslint-plugin-security load here, in the worker, never in the engine's thread.
 */
import type { Linter } from 'eslint';
import { serveBoundedWorker } from '../typescript/bounded-worker-protocol.js';
import { TypeScriptLintEngine, type LintOptions, type LintResult } from './typescript-lint-engine.js';

/** A request to the worker: lint `code` with `options`. */
export interface LintRequest {
  readonly code: string;
  readonly options: LintOptions;
}

/** Rules of the warm-up lint: one core rule, one type-aware typescript-eslint rule and one security rule. */
const WARM_UP_RULES: Linter.RulesRecord = {
  'no-unreachable': 'error',
  '@typescript-eslint/no-unnecessary-condition': 'warn',
  'security/detect-eval-with-expression': 'error',
};

const engine = new TypeScriptLintEngine();

serveBoundedWorker<LintRequest, LintResult>({
  // Loads ESLint and the plugins and parses the lib before the first candidate's time limit starts.
  warmUp: () => void engine.lint('export function warm(x: number | undefined): number {\n  return x ?? 0;\n}\n', { rules: WARM_UP_RULES, typeAware: true }),
  handle: (request) => engine.lint(request.code, request.options),
});
