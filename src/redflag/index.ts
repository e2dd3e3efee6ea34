/**
 * @module redflag
 * Public entry of red-flagging (MAKER §3.3): the rule contract, the standard rules and the {@link RedFlagger}
 * that applies them. A flagged sample is discarded, never repaired.
 */
export type { CodeToken, CodeTokenKind, CodeTokenizer, RedFlagContext, RedFlagHit, RedFlagRule } from './red-flag-rule.js';
export { RedFlagger } from './red-flagger.js';
export { RedFlagRuleError } from './red-flag-rule-error.js';
export { defaultRedFlagRules } from './default-red-flag-rules.js';
export { cachingTokenizer, tokenizeGenerated } from './generated-tokens.js';
export { proseSegments } from './prose.js';
export { overTokenCapRule, OVER_TOKEN_CAP } from './rules/over-token-cap.js';
export { noCodeRule, NO_CODE } from './rules/no-code.js';
export { wrongFormatRule, definesFunction, WRONG_FORMAT } from './rules/wrong-format.js';
export { refusalOrHedgeRule, DEFAULT_HEDGE_PHRASES, REFUSAL_OR_HEDGE } from './rules/refusal-or-hedge.js';
export { unbalancedDelimitersRule, findUnbalancedDelimiter, UNBALANCED_DELIMITERS } from './rules/unbalanced-delimiters.js';
export { tooShortRule, isMeaningfulToken, TOO_SHORT } from './rules/too-short.js';
