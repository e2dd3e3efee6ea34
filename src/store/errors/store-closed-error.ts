/**
 * @module store/errors/store-closed-error
 * Thrown when a closed store is used.
 */
import { ZeroErrorError } from '../../errors/zero-error-error.js';

/**
 * The store was closed; every call after `close()` (other than `close()` itself) throws this.
 *
 * Code: `store_closed`. Not retryable: open a new store.
 */
export class StoreClosedError extends ZeroErrorError {
  /** The method that was called, e.g. `recordSample`. */
  readonly operation: string;

  constructor(options: { operation: string }) {
    super('store_closed', `Run store is closed; cannot call ${options.operation}().`);
    this.operation = options.operation;
  }
}
