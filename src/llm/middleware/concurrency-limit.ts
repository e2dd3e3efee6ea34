/**
 * @module llm/middleware/concurrency-limit
 * Caps the number of model calls in flight (p-limit).
 */
import pLimit, { type LimitFunction } from 'p-limit';
import { z } from 'zod';
import type { LanguageModelMiddleware } from '../language-model.js';
import { raceAbort } from '../abort.js';
import { parseOptions } from '../../errors/parse-options.js';

const ConcurrencyOptionsSchema = z
  .object({ maxConcurrency: z.number().int().min(1, 'an integer >= 1') })
  .strict();

/** Options of {@link concurrencyLimitMiddleware}. */
export interface ConcurrencyLimitOptions {
  /** Most calls in flight at once; further calls queue FIFO. */
  readonly maxConcurrency: number;
}

/** The middleware plus live queue figures for metrics. */
export interface ConcurrencyLimitMiddleware extends LanguageModelMiddleware {
  /** Calls running now. */
  readonly activeCount: number;
  /** Calls waiting for a slot. */
  readonly pendingCount: number;
}

/**
 * Lets at most `maxConcurrency` calls through at once (p-limit); the rest wait in FIFO order. A caller abort
 * while queued rejects at once with the signal's reason and the queued call never reaches the model.
 * @throws InvalidArgumentError (`invalid_argument`) for a bad `maxConcurrency`.
 */
export function concurrencyLimitMiddleware(options: ConcurrencyLimitOptions): ConcurrencyLimitMiddleware {
  const { maxConcurrency } = parseOptions(ConcurrencyOptionsSchema, options, 'options');
  const limit: LimitFunction = pLimit(maxConcurrency);
  return {
    name: 'concurrency-limit',
    get activeCount() {
      return limit.activeCount;
    },
    get pendingCount() {
      return limit.pendingCount;
    },
    async wrapGenerate(callOptions, next) {
      const { signal } = callOptions;
      signal?.throwIfAborted();
      return raceAbort(
        limit(() => {
          signal?.throwIfAborted();
          return next(callOptions);
        }),
        signal,
      );
    },
  };
}
