/**
 * @module service/run-not-live-error
 * Thrown when a request needs a run to be live in this process (cancelling it) and it is not.
 */
import { ZeroErrorError } from '../errors/zero-error-error.js';

/**
 * The run exists but is not running in this service (it settled, paused, or was started by another process), so
 * there is nothing to cancel. Code: `run_not_live`.
 */
export class RunNotLiveError extends ZeroErrorError {
  readonly runId: string;

  constructor(runId: string) {
    super('run_not_live', `run ${runId} is not running in this server; nothing to cancel`);
    this.runId = runId;
  }
}
