/**
 * @module verify/security/typescript-security-rules
 * The eslint-plugin-security rules the security layer runs on TypeScript candidates (all `error`: any finding fails).
 *
 * On: `detect-eval-with-expression`, `detect-child-process`, `detect-non-literal-fs-filename`,
 * `detect-non-literal-require`, `detect-new-buffer`, `detect-buffer-noassert`, `detect-pseudoRandomBytes`,
 * `detect-bidi-characters` (Trojan Source, CVE-2021-42574).
 * Off, decided: `detect-object-injection` flags every `obj[key]` with a variable key, i.e. every array index in an
 * algorithm - near 100 % false positives on candidates, and prototype pollution is covered by our own deny list.
 * `detect-non-literal-regexp` and `detect-unsafe-regex` are heuristics about ReDoS, a performance concern that the
 * performance layer measures; `detect-possible-timing-attacks` targets secret comparison, which candidates do not do.
 */
import type { Linter } from 'eslint';

/** The plugin rules, keyed for the `security` plugin name the linter registers. */
export const SECURITY_PLUGIN_RULES: Linter.RulesRecord = {
  'security/detect-eval-with-expression': 'error',
  'security/detect-child-process': 'error',
  'security/detect-non-literal-fs-filename': 'error',
  'security/detect-non-literal-require': 'error',
  'security/detect-new-buffer': 'error',
  'security/detect-buffer-noassert': 'error',
  'security/detect-pseudoRandomBytes': 'error',
  'security/detect-bidi-characters': 'error',
};
