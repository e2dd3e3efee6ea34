/**
 * @module queue/errors/claim-lost-error
 * A worker's claim on a job is no longer its own.
 */
import { ZeroErrorError } from '../../errors/zero-error-error.js';

/**
 * The claim on job `jobId` was lost: its lock expired (the worker stalled past `lockMs`) and the job went back to
 * the queue or to another worker, or it was cancelled. The worker drops its result; the job's owner takes the
 * other claimer's. Code: `claim_lost`.
 */
export class ClaimLostError extends ZeroErrorError {
  readonly jobId: string;

  constructor(options: { readonly jobId: string; readonly reason: string; readonly cause?: unknown }) {
    super('claim_lost', `the claim on job ${options.jobId} was lost: ${options.reason}`, { cause: options.cause });
    this.jobId = options.jobId;
  }
}
