/**
 * @module redflag/default-red-flag-rules
 * The standard rule set, in the order hits are reported.
 */
import { cachingTokenizer } from './generated-tokens.js';
import type { CodeTokenizer, RedFlagRule } from './red-flag-rule.js';
import { noCodeRule } from './rules/no-code.js';
import { overTokenCapRule } from './rules/over-token-cap.js';
import { refusalOrHedgeRule } from './rules/refusal-or-hedge.js';
import { tooShortRule } from './rules/too-short.js';
import { unbalancedDelimitersRule } from './rules/unbalanced-delimiters.js';
import { wrongFormatRule } from './rules/wrong-format.js';

/**
 * `over-token-cap`, `no-code`, `wrong-format`, `refusal-or-hedge`, `unbalanced-delimiters`, `too-short`. The
 * tokenizer is wrapped so the rules share one tokenization per text.
 * @param options.hedgePhrases replaces the default refusal/hedge phrases.
 * @param options.minTokens minimum meaningful tokens of the generated code. Default 3.
 * @throws InvalidArgumentError (`invalid_argument`) for an invalid `minTokens`.
 */
export function defaultRedFlagRules(options: {
  readonly tokenizer: CodeTokenizer;
  readonly hedgePhrases?: readonly (string | RegExp)[];
  readonly minTokens?: number;
}): RedFlagRule[] {
  const tokenizer = cachingTokenizer(options.tokenizer);
  return [
    overTokenCapRule(),
    noCodeRule(),
    wrongFormatRule({ tokenizer }),
    refusalOrHedgeRule(options.hedgePhrases === undefined ? { tokenizer } : { tokenizer, phrases: options.hedgePhrases }),
    unbalancedDelimitersRule({ tokenizer }),
    tooShortRule(options.minTokens === undefined ? { tokenizer } : { tokenizer, minTokens: options.minTokens }),
  ];
}
