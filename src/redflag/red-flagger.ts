/**
 * @module redflag/red-flagger
 * Runs every red-flag rule on a sample and counts hits per rule. A sample with at least one hit is discarded,
 * never repaired: MAKER (Meyerson et al. 2025, arXiv 2511.09030) §3.3, red-flagging; seed implementation guide
 * §1.4.
 */
import { InvalidArgumentError } from '../errors/index.js';
import { RedFlagRuleError } from './red-flag-rule-error.js';
import type { RedFlagContext, RedFlagHit, RedFlagRule } from './red-flag-rule.js';

/**
 * Applies a fixed list of rules. `check` returns every hit (in rule order) so that records show all reasons,
 * and updates the per-rule counts; a sample is discarded when the list is non-empty.
 *
 * @example
 * const flagger = new RedFlagger({ rules: defaultRedFlagRules({ tokenizer }) });
 * const hits = await flagger.check(context);
 * if (hits.length > 0) discard(sample, hits);
 */
export class RedFlagger {
  readonly rules: readonly RedFlagRule[];
  readonly #counts: Record<string, number>;
  #checked = 0;
  #discarded = 0;

  /** @throws InvalidArgumentError (`invalid_argument`, parameter `options.rules`) when two rules share a name. */
  constructor(options: { readonly rules: readonly RedFlagRule[] }) {
    const names = options.rules.map((rule) => rule.name);
    const duplicate = names.find((name, i) => names.indexOf(name) !== i);
    if (duplicate !== undefined) {
      throw new InvalidArgumentError({ parameter: 'options.rules', value: names, expected: `rules with distinct names (${duplicate} repeats)` });
    }
    this.rules = [...options.rules];
    this.#counts = Object.fromEntries(names.map((name) => [name, 0]));
  }

  /**
   * Runs all rules on one sample (concurrently) and returns every hit, in rule order; empty when the sample is
   * clean. Counts change only when every rule finished.
   * @throws RedFlagRuleError (`red_flag_rule_failed`) when a rule throws; the abort reason when
   *   `context.signal` aborts.
   */
  async check(context: RedFlagContext): Promise<RedFlagHit[]> {
    context.signal?.throwIfAborted();
    const results = await Promise.all(
      this.rules.map(async (rule) => {
        try {
          return await rule.check(context);
        } catch (error) {
          context.signal?.throwIfAborted();
          throw new RedFlagRuleError({ rule: rule.name, cause: error });
        }
      }),
    );
    const hits = results.filter((hit): hit is RedFlagHit => hit !== undefined);
    this.#checked += 1;
    if (hits.length > 0) this.#discarded += 1;
    for (const hit of hits) this.#counts[hit.rule] = (this.#counts[hit.rule] ?? 0) + 1;
    return hits;
  }

  /** Hits per rule name since construction (every configured rule present, 0 when it never hit). A copy. */
  counts(): Record<string, number> {
    return { ...this.#counts };
  }

  /** Samples checked so far. */
  get checked(): number {
    return this.#checked;
  }

  /** Samples with at least one hit so far. */
  get discarded(): number {
    return this.#discarded;
  }
}
