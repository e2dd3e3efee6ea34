/**
 * @module llm/middleware/timeout
 * Bounds each model call by `timeoutMs` (cockatiel's `timeout` policy, aggressive strategy).
 */
import { TaskCancelledError, TimeoutStrategy, timeout } from 'cockatiel';
import { z } from 'zod';
import type { LanguageModelMiddleware } from '../language-model.js';
import { abortReason } from '../abort.js';
import { ModelTimeoutError } from '../model-errors.js';
import { parseOptions } from '../../errors/parse-options.js';

const TimeoutOptionsSchema = z
  .object({
    timeoutMs: z.number().int().positive('a positive integer (ms)'),
    provider: z.string().default('model'),
  })
  .strict();

/** Options of {@link timeoutMiddleware}. */
export interface TimeoutOptions {
  /** Limit of one call (one attempt when inside the retry middleware) in ms. */
  readonly timeoutMs: number;
  /** Provider name for the error message. Default `model`. */
  readonly provider?: string;
}

/**
 * Gives each call `timeoutMs`: cockatiel `timeout(timeoutMs, TimeoutStrategy.Aggressive)` passes the call a signal
 * derived from the caller's and aborts it when the time is up, so the provider cancels the underlying request
 * (the HTTP providers abort their fetch) - and the call ends at the limit even when a provider ignores the
 * signal. A call the limit ended rejects with {@link ModelTimeoutError} (`model_timeout`, retryable); a caller abort
 * rejects with the caller signal's reason.
 * @throws InvalidArgumentError (`invalid_argument`, parameter `options.timeoutMs`) for a bad `timeoutMs`.
 */
export function timeoutMiddleware(options: TimeoutOptions): LanguageModelMiddleware {
  const config = parseOptions(TimeoutOptionsSchema, options, 'options');
  // abortOnReturn off: the call's signal then aborts only for the limit or the caller, which tells them apart.
  const policy = timeout(config.timeoutMs, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false });
  return {
    name: 'timeout',
    async wrapGenerate(callOptions, next) {
      const caller = callOptions.signal;
      let callSignal: AbortSignal | undefined;
      try {
        return await policy.execute((_context, signal) => {
          callSignal = signal;
          return next({ ...callOptions, signal });
        }, caller);
      } catch (error) {
        if (caller?.aborted === true) throw abortReason(caller);
        if (error instanceof TaskCancelledError || callSignal?.aborted === true) {
          throw new ModelTimeoutError({ provider: config.provider, timeoutMs: config.timeoutMs, cause: error });
        }
        throw error;
      }
    },
  };
}
