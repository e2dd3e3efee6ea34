/**
 * @module llm/middleware/usage
 * Records every call in a {@link UsageTracker} and sets `costUsd` on results.
 */
import type { LanguageModelMiddleware } from '../language-model.js';
import type { UsageTracker } from './usage-tracker.js';

/** Options of {@link usageMiddleware}. */
export interface UsageOptions {
  readonly tracker: UsageTracker;
  /**
   * Key of the totals and of the price lookup, usually the wrapped model's `modelId`. The result's own
   * (provider-reported) `modelId` is tried first for the price, then this one.
   */
  readonly modelId: string;
}

/**
 * Times each call (wall clock, ms), records success (tokens, latency, cost) or failure in `tracker`, and returns
 * the result with `costUsd` set from the price table (left as is when the model has no price: never a guess).
 * Errors are rethrown unchanged.
 */
export function usageMiddleware(options: UsageOptions): LanguageModelMiddleware {
  const { tracker, modelId } = options;
  return {
    name: 'usage',
    async wrapGenerate(callOptions, next) {
      const started = performance.now();
      try {
        const result = await next(callOptions);
        const costUsd = tracker.priceOf(result.modelId, result.usage) ?? tracker.priceOf(modelId, result.usage);
        tracker.recordSuccess(modelId, result.usage, performance.now() - started, costUsd ?? result.costUsd);
        return costUsd === undefined ? result : { ...result, costUsd };
      } catch (error) {
        tracker.recordFailure(modelId, performance.now() - started);
        throw error;
      }
    },
  };
}
