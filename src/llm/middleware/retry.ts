/**
 * @module llm/middleware/retry
 * Retries model calls that failed with a retryable error, with exponential backoff.
 */
import { z } from 'zod';
import type { LanguageModelMiddleware } from '../language-model.js';
import { abortableDelay } from '../abort.js';
import { parseOptions } from '../../errors/parse-options.js';

const RetryOptionsSchema = z
  .object({
    maxAttempts: z.number().int().min(1, 'an integer >= 1').default(3),
    initialDelayMs: z.number().min(0, 'a number >= 0').default(200),
    maxDelayMs: z.number().min(0, 'a number >= 0').default(10_000),
    onRetry: z.custom<RetryOptions['onRetry']>((value) => typeof value === 'function').optional(),
  })
  .strict();

/** Options of {@link retryMiddleware}. */
export interface RetryOptions {
  /** Total attempts including the first. Default 3. */
  readonly maxAttempts?: number;
  /** Delay before the 2nd attempt in ms; doubles for each further one. Default 200. */
  readonly initialDelayMs?: number;
  /** Cap of one delay in ms. Default 10_000. */
  readonly maxDelayMs?: number;
  /** Called before each backoff wait with the failed attempt's error (1-based `attempt`) and the delay. */
  readonly onRetry?: (event: { attempt: number; error: unknown; delayMs: number }) => void;
}

/**
 * Retries a failed call while the error has `isRetryable: true` (HTTP 408/409/429/5xx, network resets, timeouts)
 * and attempts remain. Never retries anything else: ModelUnavailableError, CircuitOpenError, InvalidArgumentError,
 * aborts. Waits `min(initialDelayMs * 2^(n-1), maxDelayMs)` after the n-th failure ("full" exponential backoff
 * without jitter; a caller-side rate limit is the concurrency middleware's job). The wait ends early with the
 * signal's reason when the caller aborts. The last error is rethrown unchanged.
 *
 * Hand-written rather than cockatiel's `retry()`: cockatiel 3's backoff sleep is not abortable.
 *
 * @throws InvalidArgumentError (`invalid_argument`) for bad options.
 */
export function retryMiddleware(options: RetryOptions = {}): LanguageModelMiddleware {
  const config = parseOptions(RetryOptionsSchema, options, 'options');
  return {
    name: 'retry',
    async wrapGenerate(callOptions, next) {
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await next(callOptions);
        } catch (error) {
          if (attempt >= config.maxAttempts || !isRetryable(error) || callOptions.signal?.aborted === true) throw error;
          const delayMs = Math.min(config.initialDelayMs * 2 ** (attempt - 1), config.maxDelayMs);
          options.onRetry?.({ attempt, error, delayMs });
          await abortableDelay(delayMs, callOptions.signal);
        }
      }
    },
  };
}

function isRetryable(error: unknown): boolean {
  return (error as { isRetryable?: unknown } | null)?.isRetryable === true;
}
