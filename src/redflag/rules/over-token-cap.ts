/**
 * @module redflag/rules/over-token-cap
 * Red flag: the sample ran into the token cap. MAKER (Meyerson et al. 2025, arXiv 2511.09030) §3.3 found overly
 * long answers to be a sign of confusion that correlates with errors; such samples are discarded, not truncated.
 */
import type { RedFlagRule } from '../red-flag-rule.js';

/** Name of the rule in counts and records. */
export const OVER_TOKEN_CAP = 'over-token-cap';

/**
 * Hits when `finishReason` is `length` (the provider stopped at the cap) or `outputTokens` exceeds
 * `spec.limits.maxOutputTokens` (default 512).
 */
export function overTokenCapRule(): RedFlagRule {
  return {
    name: OVER_TOKEN_CAP,
    description: 'The sample hit the output token cap (finish reason "length" or more tokens than limits.maxOutputTokens).',
    check({ finishReason, outputTokens, spec }) {
      if (finishReason === 'length') return { rule: OVER_TOKEN_CAP, reason: `generation stopped at the token cap after ${outputTokens} tokens` };
      const cap = spec.limits.maxOutputTokens;
      if (outputTokens > cap) return { rule: OVER_TOKEN_CAP, reason: `${outputTokens} output tokens exceed the cap of ${cap}` };
      return undefined;
    },
  };
}
