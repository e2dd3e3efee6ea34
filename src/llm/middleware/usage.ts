/**
 * @module llm/middleware/usage
 * Prices every answered call (sets `costUsd`) and records every call in a {@link UsageTracker}.
 */
import type { LanguageModelMiddleware } from '../language-model.js';
import type { ModelPricing } from '../model-pricing.js';
import type { UsageTracker } from './usage-tracker.js';

/** Options of {@link usageMiddleware}. */
export interface UsageOptions {
  /** Totals of calls, failures, tokens, latency and cost. Optional: pricing alone needs no tracker. */
  readonly tracker?: UsageTracker;
  /** The model's pricing (looked up or given, see `modelPricingFor`); tried before the tracker's price table. */
  readonly pricing?: ModelPricing;
  /**
   * Key of the totals and of the tracker's price lookup, usually the wrapped model's `modelId`. The result's own
   * (provider-reported) `modelId` is tried first for the tracker's price, then this one.
   */
  readonly modelId: string;
}

/**
 * Times each call (wall clock, ms) and returns its result with `costUsd` set: from `pricing` when given, else from
 * the tracker's price table, else as the provider reported it (left unset when nothing prices the model: never a
 * guess). Records success (tokens, latency, cost) or failure in `tracker` when given. Errors are rethrown unchanged.
 */
export function usageMiddleware(options: UsageOptions): LanguageModelMiddleware {
  const { tracker, pricing, modelId } = options;
  return {
    name: 'usage',
    async wrapGenerate(callOptions, next) {
      const started = performance.now();
      try {
        const result = await next(callOptions);
        const costUsd = pricing?.costOf(result.usage)
          ?? tracker?.priceOf(result.modelId, result.usage) ?? tracker?.priceOf(modelId, result.usage)
          ?? result.costUsd;
        tracker?.recordSuccess(modelId, result.usage, performance.now() - started, costUsd);
        return costUsd === undefined ? result : { ...result, costUsd };
      } catch (error) {
        tracker?.recordFailure(modelId, performance.now() - started);
        throw error;
      }
    },
  };
}
