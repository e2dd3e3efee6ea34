/**
 * @module store/errors/run-not-found-error
 * Thrown when a write names a run the store does not hold.
 */
import { ZeroErrorError } from '../../errors/zero-error-error.js';

/**
 * A write (`recordTask`, `recordSample`, ..., `finishRun`) named a run that was never created.
 *
 * Code: `run_not_found`. Not retryable: create the run first.
 */
export class RunNotFoundError extends ZeroErrorError {
  /** The run id that was not found. */
  readonly runId: string;

  /** `message` replaces the default (written for callers of the store API) with one for the reader at hand. */
  constructor(options: { runId: string; cause?: unknown; message?: string }) {
    super('run_not_found', options.message ?? `Run ${JSON.stringify(options.runId)} does not exist; call createRun first.`, {
      cause: options.cause,
    });
    this.runId = options.runId;
  }
}
