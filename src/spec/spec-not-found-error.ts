/**
 * @module spec/spec-not-found-error
 * The error `loadTaskSpec` throws when the spec file does not exist or cannot be read.
 */
import { ZeroErrorError } from '../errors/index.js';

/**
 * The spec file does not exist (or is not a readable file).
 *
 * Code: `spec_not_found`.
 */
export class SpecNotFoundError extends ZeroErrorError {
  /** The path as given by the caller. */
  readonly path: string;

  constructor(options: { path: string; cause?: unknown }) {
    super('spec_not_found', `Task spec file not found or not readable: ${options.path}`, { cause: options.cause });
    this.path = options.path;
  }
}
