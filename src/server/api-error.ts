/**
 * @module server/api-error
 * Errors the HTTP edge raises itself (no key, unknown route, run not live). Their codes are in `error-table.ts`.
 */
import { ZeroErrorError } from '../index.js';

/** An error of the HTTP edge with a stable code from the error table. */
export class ApiError extends ZeroErrorError {
  constructor(code: string, message: string) {
    super(code, message);
  }
}
