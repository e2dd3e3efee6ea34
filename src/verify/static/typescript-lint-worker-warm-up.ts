/**
 * @module verify/static/typescript-lint-worker-warm-up
 * What the lint worker and the shared analysis worker lint before their first candidate (so that ESLint, the
 * plugins and the lib load outside any candidate's time limit), and the request they take.
 */
import type { Linter } from 'eslint';
import type { LintOptions } from './typescript-lint-engine.js';

/** A request to a lint worker: lint `code` with `options`. */
export interface LintRequest {
  readonly code: string;
  readonly options: LintOptions;
}

/** Rules of the warm-up lint: one core rule, one type-aware typescript-eslint rule and one security rule. */
export const WARM_UP_RULES: Linter.RulesRecord = {
  'no-unreachable': 'error',
  '@typescript-eslint/no-unnecessary-condition': 'warn',
  'security/detect-eval-with-expression': 'error',
};

/** The warm-up lint's code. */
export const WARM_UP_CODE = 'export function warm(x: number | undefined): number {\n  return x ?? 0;\n}\n';
