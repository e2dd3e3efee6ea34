/**
 * @module llm/middleware/timeout
 * Bounds each model call by `timeoutMs`.
 */
import { z } from 'zod';
import type { LanguageModelMiddleware } from '../language-model.js';
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
 * Passes the call a signal that aborts after `timeoutMs` (`AbortSignal.timeout`, merged with the caller's signal
 * by `AbortSignal.any`). When the time limit (not the caller) aborted the call, the call's error becomes a
 * {@link ModelTimeoutError} (`model_timeout`, retryable). A caller abort propagates unchanged.
 *
 * Providers must honour the signal for the limit to bite; every provider in `llm/providers` does.
 * @throws InvalidArgumentError (`invalid_argument`) for a bad `timeoutMs`.
 */
export function timeoutMiddleware(options: TimeoutOptions): LanguageModelMiddleware {
  const config = parseOptions(TimeoutOptionsSchema, options, 'options');
  return {
    name: 'timeout',
    async wrapGenerate(callOptions, next) {
      const timeoutSignal = AbortSignal.timeout(config.timeoutMs);
      const signal =
        callOptions.signal === undefined ? timeoutSignal : AbortSignal.any([callOptions.signal, timeoutSignal]);
      try {
        return await next({ ...callOptions, signal });
      } catch (error) {
        if (timeoutSignal.aborted && callOptions.signal?.aborted !== true) {
          throw new ModelTimeoutError({ provider: config.provider, timeoutMs: config.timeoutMs, cause: error });
        }
        throw error;
      }
    },
  };
}
