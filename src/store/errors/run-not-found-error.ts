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

  constructor(options: { runId: string; cause?: unknown }) {
    super('run_not_found', `Run ${JSON.stringify(options.runId)} does not exist; call createRun first.`, {
      cause: options.cause,
    });
    this.runId = options.runId;
  }
}
