/**
 * @module llm/middleware/retry
 * Retries model calls that failed with a retryable error: cockatiel's `retry` policy with exponential backoff and
 * decorrelated jitter, never waiting less than the server's `Retry-After`.
 */
import {
  ExponentialBackoff,
  handleWhen,
  retry,
  type IBackoff,
  type IBackoffFactory,
  type IRetryBackoffContext,
} from 'cockatiel';
import { z } from 'zod';
import type { GenerateResult, LanguageModelMiddleware } from '../language-model.js';
import { abortReason, raceAbort } from '../abort.js';
import { ModelCallError } from '../model-errors.js';
import { parseOptions } from '../../errors/parse-options.js';

/** Defaults of {@link RetryOptions}. */
export const DEFAULT_RETRY = { maxRetries: 3, initialDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 60_000 } as const;

const RetryOptionsSchema = z
  .object({
    maxRetries: z.number().int().min(0, 'an integer >= 0').default(DEFAULT_RETRY.maxRetries),
    initialDelayMs: z.number().min(0, 'a number >= 0 (ms)').default(DEFAULT_RETRY.initialDelayMs),
    maxDelayMs: z.number().min(0, 'a number >= 0 (ms)').default(DEFAULT_RETRY.maxDelayMs),
    maxRetryAfterMs: z.number().min(0, 'a number >= 0 (ms)').default(DEFAULT_RETRY.maxRetryAfterMs),
    onRetry: z.custom<RetryOptions['onRetry']>((value) => typeof value === 'function', 'a function').optional(),
  })
  .strict();

/** One retry about to happen, as {@link RetryOptions.onRetry} sees it. */
export interface RetryEvent {
  /** 1-based number of the attempt that failed. */
  readonly attempt: number;
  /** That attempt's error. */
  readonly error: unknown;
  /** Wait before the next attempt, in ms: the jittered backoff, or the server's `Retry-After` when that is longer. */
  readonly delayMs: number;
  /** The server's `Retry-After` in ms, when it gave one. */
  readonly retryAfterMs: number | undefined;
}

/** Options of {@link retryMiddleware}. All times in ms. */
export interface RetryOptions {
  /** Retries after the first attempt (0 turns retrying off). Default 3, so at most 4 attempts. */
  readonly maxRetries?: number;
  /** Scale of the first backoff (decorrelated jitter around it). Default 500. */
  readonly initialDelayMs?: number;
  /** Cap of one backoff wait (not of a `Retry-After` wait). Default 30_000. */
  readonly maxDelayMs?: number;
  /**
   * Longest `Retry-After` the middleware waits out. A failure asking for more is not retried (it is thrown at once:
   * the caller decides, rather than a call sleeping for minutes). Default 60_000.
   */
  readonly maxRetryAfterMs?: number;
  /** Called before each backoff wait. */
  readonly onRetry?: (event: RetryEvent) => void;
}

/**
 * Retries a failed call while the error has `isRetryable: true` (HTTP 408/409/429/5xx, network resets,
 * `model_timeout`) and retries remain; never anything else (ModelUnavailableError, CircuitOpenError,
 * InvalidArgumentError, `model_empty_answer`, `model_refused`, aborts).
 *
 * Built on cockatiel: `retry(handleWhen(...), { maxAttempts: maxRetries, backoff })` where the backoff is
 * `ExponentialBackoff` (decorrelated jitter, "Exponential Backoff And Jitter", AWS Architecture Blog 2015; Polly's
 * V2 formula) raised to the server's `Retry-After` when that is longer. The backoff timer is unreferenced (it never
 * keeps the process alive) and a caller abort ends the wait at once with the signal's reason. The last error is
 * rethrown unchanged, its `attempts` set when it is a {@link ModelCallError}; a result carries `attempts` too.
 *
 * @throws InvalidArgumentError (`invalid_argument`, parameter `options.<name>`) for bad options.
 */
export function retryMiddleware(options: RetryOptions = {}): LanguageModelMiddleware {
  const config = parseOptions(RetryOptionsSchema, options, 'options');
  const policy = retry(
    handleWhen((error) => isRetryable(error) && (retryAfterOf(error) ?? 0) <= config.maxRetryAfterMs),
    {
      maxAttempts: config.maxRetries,
      backoff: new RetryAfterBackoff(new ExponentialBackoff({ initialDelay: config.initialDelayMs, maxDelay: config.maxDelayMs })),
    },
  ).dangerouslyUnref();
  if (options.onRetry !== undefined) {
    const onRetry = options.onRetry;
    policy.onRetry((event) => {
      const error = 'error' in event ? event.error : undefined;
      onRetry({ attempt: event.attempt, error, delayMs: event.delay, retryAfterMs: retryAfterOf(error) });
    });
  }
  return {
    name: 'retry',
    async wrapGenerate(callOptions, next) {
      let attempts = 0;
      const caller = callOptions.signal;
      try {
        const result: GenerateResult = await raceAbort(
          policy.execute(({ signal }) => {
            // A backoff wait outlives a caller abort (the race above ended it): never start an attempt after one.
            if (caller?.aborted === true) throw abortReason(caller);
            attempts += 1;
            return next({ ...callOptions, ...(caller === undefined ? {} : { signal }) });
          }, caller),
          caller,
        );
        return attempts === 1 ? result : { ...result, attempts };
      } catch (error) {
        if (error instanceof ModelCallError && attempts > 1) error.attempts = attempts;
        throw error;
      }
    },
  };
}

function isRetryable(error: unknown): boolean {
  return (error as { isRetryable?: unknown } | null)?.isRetryable === true;
}

function retryAfterOf(error: unknown): number | undefined {
  const value = (error as { retryAfterMs?: unknown } | null | undefined)?.retryAfterMs;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Wraps a backoff so that no wait is shorter than the failed attempt's `Retry-After` (RFC 9110 §10.2.3). */
class RetryAfterBackoff implements IBackoffFactory<IRetryBackoffContext<unknown>> {
  constructor(private readonly inner: IBackoffFactory<IRetryBackoffContext<unknown>>) {}

  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    return withRetryAfter(this.inner.next(context), context);
  }
}

function withRetryAfter(
  inner: IBackoff<IRetryBackoffContext<unknown>>,
  context: IRetryBackoffContext<unknown>,
): IBackoff<IRetryBackoffContext<unknown>> {
  const retryAfterMs = 'error' in context.result ? retryAfterOf(context.result.error) : undefined;
  return {
    duration: Math.max(inner.duration, retryAfterMs ?? 0),
    next: (nextContext) => withRetryAfter(inner.next(nextContext), nextContext),
  };
}
