/**
 * @module redflag/rules/too-short
 * Red flag: the generated code is too short to be an implementation (an empty body, only `pass`, only `...`,
 * only `}`). MAKER §3.3 red-flags answers whose format signals that the model gave up.
 */
import { InvalidArgumentError } from '../../errors/index.js';
import { tokenizeGenerated } from '../generated-tokens.js';
import type { CodeToken, CodeTokenizer, RedFlagRule } from '../red-flag-rule.js';

/** Name of the rule in counts and records. */
export const TOO_SHORT = 'too-short';

/** Tokens that carry no implementation: placeholders and statement separators. */
const FILLER = new Set(['pass', '...', ';']);

/** True for a token that counts: not a comment, not layout, not a placeholder. */
export function isMeaningfulToken(token: CodeToken): boolean {
  return token.kind !== 'comment' && token.kind !== 'other' && !FILLER.has(token.text);
}

/**
 * Hits when the generated code has fewer than `minTokens` meaningful tokens (comments, layout tokens, `pass`,
 * `...` and `;` do not count; punctuation does). Default 3. Note that a two-token Python body such as
 * `return x` is flagged with the default; lower `minTokens` for tasks whose answers can be that short.
 * No hit when there is no generated code (`no-code` covers it) or it does not tokenize (`unbalanced-delimiters`
 * covers it).
 * @throws InvalidArgumentError (`invalid_argument`, parameter `options.minTokens`) unless an integer >= 1.
 */
export function tooShortRule(options: { readonly tokenizer: CodeTokenizer; readonly minTokens?: number }): RedFlagRule {
  const minTokens = options.minTokens ?? 3;
  if (!Number.isInteger(minTokens) || minTokens < 1) {
    throw new InvalidArgumentError({ parameter: 'options.minTokens', value: options.minTokens, expected: 'an integer >= 1' });
  }
  return {
    name: TOO_SHORT,
    description: `The generated code has fewer than ${minTokens} meaningful tokens.`,
    async check(context) {
      const tokens = await tokenizeGenerated(context, options.tokenizer);
      if (tokens === null) return undefined;
      const meaningful = tokens.filter(isMeaningfulToken);
      if (meaningful.length >= minTokens) return undefined;
      const shown = meaningful.map((token) => token.text).join(' ');
      return { rule: TOO_SHORT, reason: `only ${meaningful.length} meaningful token(s)${shown ? ` (${shown})` : ''}, fewer than ${minTokens}` };
    },
  };
}
