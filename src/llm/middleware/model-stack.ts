/**
 * @module llm/middleware/model-stack
 * Wraps a model in the standard middleware, in one documented order.
 */
import { wrapLanguageModel, type LanguageModel, type LanguageModelMiddleware } from '../language-model.js';
import { circuitBreakerMiddleware, type CircuitBreakerMiddleware, type CircuitBreakerOptions } from './circuit-breaker.js';
import { concurrencyLimitMiddleware, type ConcurrencyLimitMiddleware } from './concurrency-limit.js';
import { retryMiddleware, type RetryOptions } from './retry.js';
import { timeoutMiddleware } from './timeout.js';
import { usageMiddleware } from './usage.js';
import type { UsageTracker } from './usage-tracker.js';

/** Options of {@link createModelStack}; each layer is present only when its option is given. */
export interface ModelStackOptions {
  /** Most calls in flight (p-limit). */
  readonly maxConcurrency?: number;
  /** Retry options, or `true` for the defaults (3 attempts, 200 ms initial backoff). */
  readonly retry?: RetryOptions | true;
  /** Circuit breaker options, or `true` for the defaults (opens after 5 failures, half-opens after 30 s). */
  readonly circuitBreaker?: Omit<CircuitBreakerOptions, 'provider' | 'modelId'> | true;
  /** Limit of one attempt in ms. */
  readonly timeoutMs?: number;
  /** Tracker that records every attempt (calls, failures, tokens, latency, costUsd). */
  readonly usage?: UsageTracker;
}

/** A wrapped model plus handles on its stateful layers (for metrics and tests). */
export interface ModelStack extends LanguageModel {
  /** The circuit breaker, when configured (its `state` and `onStateChange`). */
  readonly circuitBreaker: CircuitBreakerMiddleware | undefined;
  /** The concurrency limit, when configured (its `activeCount` and `pendingCount`). */
  readonly concurrencyLimit: ConcurrencyLimitMiddleware | undefined;
}

/**
 * Wraps `model` in, from outermost to innermost:
 *
 * 1. **concurrency limit** - a logical call holds one slot for all its attempts and backoff waits (a 429 storm
 *    does not let more calls in), and queueing time is not charged to the per-attempt timeout;
 * 2. **retry** - around the breaker, so each attempt is seen by the breaker and a `circuit_open` refusal (not
 *    retryable) ends the retries at once instead of burning attempts;
 * 3. **circuit breaker** - counts every failed attempt, including timeouts;
 * 4. **timeout** - per attempt, so a retry gets a fresh `timeoutMs`; its `model_timeout` is retryable;
 * 5. **usage** - innermost, so it records every attempt that reached the model (failed attempts included, calls
 *    refused by an open circuit or still queued excluded), with the model's own latency and tokens, and prices it.
 *
 * The stack keeps the model's provider, modelId and capabilities; `close()` closes the model.
 * @throws InvalidArgumentError (`invalid_argument`) for bad options of any layer.
 */
export function createModelStack(model: LanguageModel, options: ModelStackOptions = {}): ModelStack {
  const concurrencyLimit =
    options.maxConcurrency === undefined ? undefined : concurrencyLimitMiddleware({ maxConcurrency: options.maxConcurrency });
  const breaker =
    options.circuitBreaker === undefined
      ? undefined
      : circuitBreakerMiddleware({
          ...(options.circuitBreaker === true ? {} : options.circuitBreaker),
          provider: model.provider,
          modelId: model.modelId,
        });
  const layers: (LanguageModelMiddleware | undefined)[] = [
    concurrencyLimit,
    options.retry === undefined ? undefined : retryMiddleware(options.retry === true ? {} : options.retry),
    breaker,
    options.timeoutMs === undefined ? undefined : timeoutMiddleware({ timeoutMs: options.timeoutMs, provider: model.provider }),
    options.usage === undefined ? undefined : usageMiddleware({ tracker: options.usage, modelId: model.modelId }),
  ];
  const wrapped = wrapLanguageModel(model, ...layers.filter((layer) => layer !== undefined));
  return { ...wrapped, circuitBreaker: breaker, concurrencyLimit };
}
