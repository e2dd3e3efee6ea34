/**
 * @module llm/middleware/model-stack
 * Wraps a model in the standard middleware, in one documented order, with retry and a per-call timeout on by
 * default.
 */
import { wrapLanguageModel, type LanguageModel, type LanguageModelMiddleware } from '../language-model.js';
import type { ModelPricing } from '../model-pricing.js';
import { circuitBreakerMiddleware, type CircuitBreakerMiddleware, type CircuitBreakerOptions } from './circuit-breaker.js';
import { concurrencyLimitMiddleware, type ConcurrencyLimitMiddleware } from './concurrency-limit.js';
import { retryMiddleware, type RetryOptions } from './retry.js';
import { timeoutMiddleware } from './timeout.js';
import { usageMiddleware } from './usage.js';
import type { UsageTracker } from './usage-tracker.js';

/** Default limit of one model call (attempt) in ms, by provider: local CPU generation is slow, HTTP APIs are not. */
export const DEFAULT_MODEL_TIMEOUT_MS: Readonly<Record<string, number>> & { readonly default: number } = {
  'llama-cpp': 600_000,
  default: 120_000,
};

/** The default per-call limit for a model of `provider`, in ms (see {@link DEFAULT_MODEL_TIMEOUT_MS}). */
export function defaultModelTimeoutMs(provider: string): number {
  return DEFAULT_MODEL_TIMEOUT_MS[provider] ?? DEFAULT_MODEL_TIMEOUT_MS.default;
}

/**
 * Options of {@link createModelStack}. Retry and timeout are on unless turned off; the other layers are present
 * only when their option is given.
 */
export interface ModelStackOptions {
  /** Most calls in flight (p-limit). */
  readonly maxConcurrency?: number;
  /**
   * Retry options, `true` for the defaults (3 retries, backoff from 500 ms with jitter, `Retry-After` honoured up to
   * 60 s; see `DEFAULT_RETRY`) or `false` for none. Default `true`.
   */
  readonly retry?: RetryOptions | boolean;
  /** Circuit breaker options, or `true` for the defaults (opens after 5 failures, half-opens after 30 s). */
  readonly circuitBreaker?: Omit<CircuitBreakerOptions, 'provider' | 'modelId'> | true;
  /** Limit of one attempt in ms, or `false` for none. Default {@link defaultModelTimeoutMs} of the model's provider. */
  readonly timeoutMs?: number | false;
  /** Tracker that records every attempt (calls, failures, tokens, latency, costUsd). */
  readonly usage?: UsageTracker;
  /** The model's pricing: every answered call gets `costUsd` from it (see `modelPricingFor`). */
  readonly pricing?: ModelPricing;
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
 *    refused by an open circuit or still queued excluded), with the model's own latency and tokens, and prices it
 *    (present when `usage` or `pricing` is given).
 *
 * The stack keeps the model's provider, modelId and capabilities; `close()` closes the model.
 * @throws InvalidArgumentError (`invalid_argument`) for bad options of any layer (e.g. `options.timeoutMs`).
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
  const retry = options.retry ?? true;
  const timeoutMs = options.timeoutMs ?? defaultModelTimeoutMs(model.provider);
  const layers: (LanguageModelMiddleware | undefined)[] = [
    concurrencyLimit,
    retry === false ? undefined : retryMiddleware(retry === true ? {} : retry),
    breaker,
    timeoutMs === false ? undefined : timeoutMiddleware({ timeoutMs, provider: model.provider }),
    options.usage === undefined && options.pricing === undefined
      ? undefined
      : usageMiddleware({
          modelId: model.modelId,
          ...(options.usage === undefined ? {} : { tracker: options.usage }),
          ...(options.pricing === undefined ? {} : { pricing: options.pricing }),
        }),
  ];
  const wrapped = wrapLanguageModel(model, ...layers.filter((layer) => layer !== undefined));
  return { ...wrapped, circuitBreaker: breaker, concurrencyLimit };
}
