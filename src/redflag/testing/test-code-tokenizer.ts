/**
 * @module redflag/testing/test-code-tokenizer
 * TEST SUPPORT ONLY: a {@link CodeTokenizer} for both target languages built from the TypeScript scanner and
 * CPython's `tokenize` module, for the red-flag rule tests.
 */
import type { CodeTokenizer } from '../red-flag-rule.js';
import { tokenizePython } from './python-subprocess-tokenizer.js';
import { tokenizeTypeScript } from './typescript-scanner-tokenizer.js';

/** Creates the test tokenizer. */
export function createTestCodeTokenizer(): CodeTokenizer {
  return {
    tokenize: async (language, code) => (language === 'typescript' ? tokenizeTypeScript(code) : tokenizePython(code)),
  };
}
