/**
 * @module queue/errors/sample-job-refused-error
 * A worker refused a sample job instead of running it.
 */
import { ZeroErrorError } from '../../errors/zero-error-error.js';

/**
 * A worker refused sample job `jobId`: `refusal` is `protocol_mismatch` (the worker speaks another protocol version:
 * upgrade the workers or the owner so they match), `unknown_run` (the job's run is not live: its owner stopped or
 * never registered it) or `invalid_job` (the payload does not parse). Code: `sample_job_refused`. Not a verdict on
 * any candidate: the run pauses, nothing recorded is lost.
 */
export class SampleJobRefusedError extends ZeroErrorError {
  readonly jobId: string;
  readonly refusal: string;

  constructor(options: { readonly jobId: string; readonly refusal: string; readonly reason: string }) {
    super('sample_job_refused', `sample job ${options.jobId} was refused by a worker (${options.refusal}): ${options.reason}`);
    this.jobId = options.jobId;
    this.refusal = options.refusal;
  }
}
