/**
 * @module task-spec/spec-check-error
 * The error a spec check throws when it cannot run at all (python3 missing or crashing): not the spec's fault, and
 * never taken for a pass.
 */
import { ZeroErrorError } from '../errors/index.js';

/**
 * A spec could not be checked: a tool the check needs (python3) is missing, crashed or took too long.
 *
 * Code: `spec_check_failed`.
 */
export class SpecCheckError extends ZeroErrorError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('spec_check_failed', message, { cause: options.cause });
  }
}
