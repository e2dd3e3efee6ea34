/**
 * @module server/api-error
 * Errors the HTTP edge raises itself (no key, unknown route, run not live, body too deep). Their codes are in
 * `error-table.ts`.
 */
import { ZeroErrorError } from '../index.js';

/** An error of the HTTP edge with a stable code from the error table. */
export class ApiError extends ZeroErrorError {
  /** When the client may try again, ms (sent as `Retry-After`, whole seconds), for 429/503 answers. */
  readonly retryAfterMs: number | undefined;

  constructor(code: string, message: string, options: { readonly retryAfterMs?: number } = {}) {
    super(code, message, { isRetryable: options.retryAfterMs !== undefined });
    this.retryAfterMs = options.retryAfterMs;
  }
}
