/**
 * @module redflag/rules/unbalanced-delimiters
 * Red flag: brackets do not balance, or the tokenizer rejects the code (unterminated string, EOF inside a
 * multi-line statement). A cut-off or garbled answer (MAKER §3.3) is discarded, never repaired.
 */
import type { CodeToken, CodeTokenizer, RedFlagHit, RedFlagRule } from '../red-flag-rule.js';

/** Name of the rule in counts and records. */
export const UNBALANCED_DELIMITERS = 'unbalanced-delimiters';

const CLOSER: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}' };
const CLOSERS = new Set([')', ']', '}']);

/**
 * Checks `(`/`)`, `[`/`]`, `{`/`}` with a stack over the punctuation tokens only, so brackets inside strings and
 * comments never count. Returns a reason, or undefined when balanced.
 */
export function findUnbalancedDelimiter(tokens: readonly CodeToken[]): string | undefined {
  const stack: CodeToken[] = [];
  for (const token of tokens) {
    if (token.kind !== 'punctuation') continue;
    if (CLOSER[token.text] !== undefined) stack.push(token);
    else if (CLOSERS.has(token.text)) {
      const open = stack.pop();
      if (open === undefined) return `unexpected '${token.text}' on line ${token.line}`;
      if (CLOSER[open.text] !== token.text) return `'${token.text}' on line ${token.line} does not close '${open.text}' from line ${open.line}`;
    }
  }
  const open = stack.at(-1);
  return open === undefined ? undefined : `'${open.text}' opened on line ${open.line} is never closed`;
}

/** Hits on unbalanced brackets in `context.code`, or when the tokenizer rejects it. No hit when code is null. */
export function unbalancedDelimitersRule(options: { readonly tokenizer: CodeTokenizer }): RedFlagRule {
  return {
    name: UNBALANCED_DELIMITERS,
    description: 'Brackets do not balance, or the code does not tokenize (unterminated string, EOF in a statement).',
    async check({ code, spec, signal }): Promise<RedFlagHit | undefined> {
      if (code === null) return undefined;
      const result = await options.tokenizer.tokenize(spec.language, code, signal);
      if (!result.ok) {
        const where = result.line === undefined ? '' : ` (line ${result.line})`;
        return { rule: UNBALANCED_DELIMITERS, reason: `the code does not tokenize: ${result.error}${where}` };
      }
      const reason = findUnbalancedDelimiter(result.tokens);
      return reason === undefined ? undefined : { rule: UNBALANCED_DELIMITERS, reason };
    },
  };
}
