/**
 * @module orchestrate/checks-mismatch-error
 * A sample job asks for other verification settings than the worker has.
 */
import { ZeroErrorError } from '../errors/zero-error-error.js';

/**
 * The job's run verifies with other settings than this worker (e.g. pyright on or off): its verdicts would not be
 * the owner's, so the worker refuses the job (`checks_mismatch`) instead of running it. Code: `checks_mismatch`.
 */
export class ChecksMismatchError extends ZeroErrorError {
  constructor(message: string) {
    super('checks_mismatch', message);
  }
}
