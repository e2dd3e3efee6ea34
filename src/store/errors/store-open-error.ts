/**
 * @module store/errors/store-open-error
 * Thrown when a store's file cannot be opened as a Zero-Error database.
 */
import { ZeroErrorError } from '../../errors/zero-error-error.js';

/**
 * The store file cannot be opened or created (permissions, a folder in the way), is not a SQLite database, is a
 * SQLite database of some other application, or was written by a newer Zero-Error (schema version too high).
 * The message names the path; nothing in the file is changed.
 *
 * Code: `store_open_failed`. Not retryable.
 */
export class StoreOpenError extends ZeroErrorError {
  /** The path that was being opened. */
  readonly path: string;

  constructor(options: { path: string; reason: string; cause?: unknown }) {
    super('store_open_failed', `Cannot open run store ${JSON.stringify(options.path)}: ${options.reason}`, {
      cause: options.cause,
    });
    this.path = options.path;
  }
}
