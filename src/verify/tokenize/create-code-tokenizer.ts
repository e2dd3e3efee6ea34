/**
 * @module verify/tokenize/create-code-tokenizer
 * The `CodeTokenizer` for red-flag rules: TypeScript in-process (the scanner only reads text), Python in the sandbox.
 */
import type { CodeTokenizer } from '../../redflag/red-flag-rule.js';
import type { Sandbox } from '../../sandbox/index.js';
import { tokenizePython } from './python-tokenizer.js';
import { tokenizeTypeScript } from './typescript-tokenizer.js';

/**
 * Creates a tokenizer dispatching on language: TypeScript via `ts.createScanner` ({@link tokenizeTypeScript}),
 * Python via `tokenize` in `sandbox` ({@link tokenizePython}).
 */
export function createCodeTokenizer(sandbox: Sandbox): CodeTokenizer {
  return {
    tokenize(language, code, signal) {
      signal?.throwIfAborted();
      if (language === 'typescript') return Promise.resolve(tokenizeTypeScript(code));
      return tokenizePython(sandbox, code, signal);
    },
  };
}
