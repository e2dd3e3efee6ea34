/**
 * @module redflag/rules/refusal-or-hedge
 * Red flag: the answer refuses, apologises, hedges or leaves a placeholder. Only prose is searched - the text
 * outside the code and the comments of the generated code - never identifiers or string literals, so
 * `raise ValueError("not possible")` is fine and `# I'm not sure this handles negatives` is not. MAKER
 * (Meyerson et al. 2025, arXiv 2511.09030) §3.3: signs of an unsure model correlate with errors.
 */
import { tokenizeGenerated } from '../generated-tokens.js';
import { proseSegments } from '../prose.js';
import type { CodeTokenizer, RedFlagRule } from '../red-flag-rule.js';

/** Name of the rule in counts and records. */
export const REFUSAL_OR_HEDGE = 'refusal-or-hedge';

/**
 * Default phrases. Strings match case-insensitively on word boundaries, with any whitespace between words and
 * typographic apostrophes read as `'`; regular expressions are used as given (TODO and FIXME are
 * case-sensitive so that a comment about a to-do list does not match).
 */
export const DEFAULT_HEDGE_PHRASES: readonly (string | RegExp)[] = [
  'I cannot',
  'I can not',
  "I can't",
  "I can't help",
  "I'm unable",
  'I am unable',
  'as an AI',
  'as a language model',
  "I'm not sure",
  'I am not sure',
  'not sure if',
  "I don't know",
  'this may not work',
  'this might not work',
  'may not be correct',
  'might not be correct',
  'I apologize',
  "I'm sorry",
  'not possible to',
  'it is impossible to',
  'implement this',
  'your code here',
  'your implementation here',
  'add your code',
  /\bTODO\b/,
  /\bFIXME\b/,
];

function toMatcher(phrase: string | RegExp): { readonly label: string; readonly test: (text: string) => boolean } {
  if (phrase instanceof RegExp) return { label: phrase.source, test: (text) => new RegExp(phrase.source, phrase.flags.replace('g', '')).test(text) };
  const words = normalise(phrase).trim().split(/\s+/).map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}_])${words.join('\\s+')}(?![\\p{L}\\p{N}_])`, 'iu');
  return { label: phrase, test: (text) => pattern.test(normalise(text)) };
}

const normalise = (text: string): string => text.replace(/[\u2018\u2019\u02bc]/g, "'");

/**
 * Hits on the first configured phrase found in the prose of the answer (see `proseSegments`) or in a comment
 * token of the generated code. When the generated code does not tokenize, only the prose is searched.
 * @param options.phrases replaces {@link DEFAULT_HEDGE_PHRASES}.
 */
export function refusalOrHedgeRule(options: { readonly tokenizer: CodeTokenizer; readonly phrases?: readonly (string | RegExp)[] }): RedFlagRule {
  const matchers = (options.phrases ?? DEFAULT_HEDGE_PHRASES).map(toMatcher);
  return {
    name: REFUSAL_OR_HEDGE,
    description: 'Refusal, apology, hedging or placeholder phrases in the prose or comments of the answer.',
    async check(context) {
      for (const segment of proseSegments(context)) {
        const found = matchers.find((matcher) => matcher.test(segment));
        if (found) return { rule: REFUSAL_OR_HEDGE, reason: `the answer's prose says "${found.label}"` };
      }
      const tokens = (await tokenizeGenerated(context, options.tokenizer)) ?? [];
      for (const token of tokens) {
        if (token.kind !== 'comment') continue;
        const found = matchers.find((matcher) => matcher.test(token.text));
        if (found) return { rule: REFUSAL_OR_HEDGE, reason: `a comment on line ${token.line} says "${found.label}"` };
      }
      return undefined;
    },
  };
}
