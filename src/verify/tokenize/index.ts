/**
 * @module verify/tokenize
 * Code tokenizers implementing the red-flag `CodeTokenizer` contract.
 */
export { createCodeTokenizer } from './create-code-tokenizer.js';
export { tokenizeTypeScript, type TokenizeResult } from './typescript-tokenizer.js';
export { tokenizePython } from './python-tokenizer.js';
