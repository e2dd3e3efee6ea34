/**
 * @module service/run-queue-full-error
 * Thrown when a run service already works on its maximum of runs and its waiting queue is full.
 */
import { ZeroErrorError } from '../errors/zero-error-error.js';

/**
 * Every run slot is taken and the queue holds `maxQueuedRuns` runs already; nothing was recorded. Code:
 * `run_queue_full` (HTTP 429 with `Retry-After`). Retryable: try again after `retryAfterMs`.
 */
export class RunQueueFullError extends ZeroErrorError {
  /** Runs this service works on at once. */
  readonly maxRunningRuns: number;
  /** Runs that may wait for a slot. */
  readonly maxQueuedRuns: number;
  /** Estimated wait before a slot is likely free, ms (at least 1000). */
  readonly retryAfterMs: number;

  constructor(options: { readonly maxRunningRuns: number; readonly maxQueuedRuns: number; readonly retryAfterMs: number }) {
    super('run_queue_full',
      `the server is busy: ${options.maxRunningRuns} run(s) running and ${options.maxQueuedRuns} waiting (the most it queues); ` +
      `retry in about ${Math.ceil(options.retryAfterMs / 1000)} s`,
      { isRetryable: true });
    this.maxRunningRuns = options.maxRunningRuns;
    this.maxQueuedRuns = options.maxQueuedRuns;
    this.retryAfterMs = options.retryAfterMs;
  }
}
