/**
 * @module redflag/rules/no-code
 * Red flag: the answer contains no code (MAKER §3.3: a malformed answer is discarded, never repaired).
 */
import type { RedFlagRule } from '../red-flag-rule.js';

/** Name of the rule in counts and records. */
export const NO_CODE = 'no-code';

/** Hits when `context.code` is null, or the generated part is missing, empty or only whitespace. */
export function noCodeRule(): RedFlagRule {
  return {
    name: NO_CODE,
    description: 'No code could be found in the answer, or the generated part is empty.',
    check({ code, generatedCode }) {
      if (code === null) return { rule: NO_CODE, reason: 'no code could be found in the answer' };
      if (generatedCode === null || generatedCode.trim() === '') return { rule: NO_CODE, reason: 'the generated code is empty' };
      return undefined;
    },
  };
}
