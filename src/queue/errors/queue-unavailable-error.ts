/**
 * @module queue/errors/queue-unavailable-error
 * The queue's backend cannot be reached.
 */
import { ZeroErrorError } from '../../errors/zero-error-error.js';

/**
 * The queue's backend (Redis at `url`, credentials left out) did not answer `operation`. A failure of the machinery,
 * never a verdict: a run waiting on it pauses (`zerr resume` continues it), a worker waits and retries. Code:
 * `queue_unavailable`. Retryable.
 */
export class QueueUnavailableError extends ZeroErrorError {
  readonly url: string;
  readonly operation: string;

  constructor(options: { readonly url: string; readonly operation: string; readonly cause?: unknown }) {
    const why = options.cause instanceof Error ? options.cause.message : String(options.cause ?? 'no answer');
    super('queue_unavailable', `the queue at ${options.url} is unavailable (${options.operation}): ${why}`, { cause: options.cause, isRetryable: true });
    this.url = options.url;
    this.operation = options.operation;
  }
}
