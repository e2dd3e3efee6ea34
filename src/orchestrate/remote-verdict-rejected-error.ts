/**
 * @module orchestrate/remote-verdict-rejected-error
 * A queue worker's verdict did not hold when the run's owner checked it.
 */
import { ZeroErrorError } from '../errors/zero-error-error.js';

/**
 * The code a vote was about to choose was judged by a queue worker (`zerr worker`), and failed the owner's own
 * verification (`failedCheck`: a layer, or the report itself): the workers run other checks than this process (another version or other flags,
 * e.g. `--no-python-types`), or what came back through the queue is not what a worker sent. Nothing is decided on it;
 * the run pauses. Code: `remote_verdict_rejected`.
 */
export class RemoteVerdictRejectedError extends ZeroErrorError {
  readonly taskId: string;
  readonly sampleIndex: number;

  /** @param options.drawnOnly the worker only drew the sample (a proposal), it did not verify it. */
  constructor(options: { readonly taskId: string; readonly sampleIndex: number; readonly failedCheck: string; readonly drawnOnly?: boolean }) {
    super('remote_verdict_rejected',
      `task ${options.taskId}: sample ${options.sampleIndex} was ${options.drawnOnly === true ? 'drawn' : 'verified'} by a queue worker, but fails this process's own check (${options.failedCheck}); ` +
      'nothing was decided on it. Run the workers with the same zerr version and verification flags as the owner, and keep the queue\'s Redis private');
    this.taskId = options.taskId;
    this.sampleIndex = options.sampleIndex;
  }
}
