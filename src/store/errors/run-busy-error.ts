/**
 * @module store/errors/run-busy-error
 * Thrown when a process claims a run another live process is working on.
 */
import { ZeroErrorError } from '../../errors/zero-error-error.js';
import type { RunOwner } from '../run-store.js';

/**
 * `zerr resume` (or any command) claimed a run that another process holds and keeps alive.
 *
 * Code: `run_busy`. Retryable once the other process has finished or paused the run (or died: its claim goes stale).
 */
export class RunBusyError extends ZeroErrorError {
  readonly runId: string;
  /** Who holds the run. */
  readonly holder: RunOwner;

  constructor(options: { runId: string; holder: RunOwner; cause?: unknown }) {
    const { holder } = options;
    super(
      'run_busy',
      `Run ${options.runId} is being worked on by process ${holder.pid} on ${holder.host} (since ${new Date(holder.claimedAt).toISOString()}, ` +
        `last heartbeat ${new Date(holder.heartbeatAt).toISOString()}); wait for it to finish or pause, or stop that process.`,
      { cause: options.cause },
    );
    this.runId = options.runId;
    this.holder = holder;
  }
}
