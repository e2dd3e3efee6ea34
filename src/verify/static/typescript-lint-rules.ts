/**
 * @module verify/static/typescript-lint-rules
 * The curated ESLint rule set of the static-analysis layer for TypeScript, and which findings fail the layer.
 *
 * Fail (`error`): rules whose findings are almost always bugs in a pure function - unreachable code, duplicate keys
 * or cases, a value compared with itself, NaN compared with `==`, an unintended case fallthrough, a constant
 * condition (`while (true)` is allowed), an assignment in a condition, `typeof x === 'strng'`, control flow in
 * `finally` - and `complexity` over `spec.limits.maxComplexity`.
 *
 * Report only (`warn`): style and "probably unnecessary" rules that correct candidates trip often - unused
 * variables (`@typescript-eslint/no-unused-vars`; the entry point is exempt, a script's function is "unused"),
 * `eqeqeq` (`== null` allowed), and the type-aware `@typescript-eslint/no-unnecessary-condition` (defensive checks
 * of values the types say cannot be null are common and harmless) and `@typescript-eslint/no-base-to-string`.
 */
import type { Linter } from 'eslint';

/** Rule id of the complexity rule (ESLint core `complexity`, McCabe 1976 with ESLint's counting). */
export const COMPLEXITY_RULE = 'complexity';

/** Rules that fail the layer when they fire. */
const FAILING: Linter.RulesRecord = {
  'no-unreachable': 'error',
  'no-dupe-keys': 'error',
  'no-duplicate-case': 'error',
  'no-dupe-else-if': 'error',
  'no-self-compare': 'error',
  'use-isnan': 'error',
  'valid-typeof': 'error',
  'no-fallthrough': 'error',
  'no-constant-condition': 'error',
  'no-cond-assign': 'error',
  'no-unsafe-finally': 'error',
};

/** Report-only rules that need type information (a `ts.Program`, `typeAware: true`). */
const TYPE_AWARE: Linter.RulesRecord = {
  '@typescript-eslint/no-unnecessary-condition': 'warn',
  '@typescript-eslint/no-base-to-string': 'warn',
};

/** Report-only rules that need no type information. */
function reported(entryPoint: string): Linter.RulesRecord {
  const exempt = `^(${entryPoint.replace(/[^A-Za-z0-9_$]/g, '')}|_.*)$`;
  return {
    '@typescript-eslint/no-unused-vars': ['warn', { varsIgnorePattern: exempt, argsIgnorePattern: '^_', caughtErrors: 'none' }],
    eqeqeq: ['warn', 'always', { null: 'ignore' }],
  };
}

/**
 * The rule set for one spec: `complexity` with `max = maxComplexity` (ESLint counts 1 + `if`, `?:`, `&&`, `||`, `??`,
 * loops, `catch`, non-default `case`, default parameter values and logical assignments; each function separately,
 * McCabe 1976 "A Complexity Measure", IEEE TSE 2(4)), plus {@link FAILING} and the report-only rules; the
 * type-aware ones only when `typeAware` (default true) - they throw without a program.
 */
export function staticAnalysisRules(options: {
  readonly maxComplexity: number;
  readonly entryPoint: string;
  readonly typeAware?: boolean;
}): Linter.RulesRecord {
  return {
    ...FAILING,
    ...reported(options.entryPoint),
    ...(options.typeAware === false ? {} : TYPE_AWARE),
    [COMPLEXITY_RULE]: ['error', { max: options.maxComplexity }],
  };
}

/**
 * `line 7: complexity 18 > maxComplexity 15 (function solve)` text from ESLint's message
 * ("Function 'solve' has a complexity of 18. Maximum allowed is 15."); the original message when it does not match.
 */
export function complexityMessage(eslintMessage: string, maxComplexity: number): string {
  const match = /^(.+?) has a complexity of (\d+)/.exec(eslintMessage);
  if (match === null) return eslintMessage;
  const subject = (match[1] ?? '').replace(/'/g, '');
  const what = subject.charAt(0).toLowerCase() + subject.slice(1);
  return `complexity ${match[2] ?? '?'} > maxComplexity ${maxComplexity} (${what})`;
}
