/**
 * @module service/service-closed-error
 * Thrown when a closed run service is asked to start or resume work.
 */
import { ZeroErrorError } from '../errors/zero-error-error.js';

/** The run service was closed (the server is shutting down). Code: `service_closed`. */
export class ServiceClosedError extends ZeroErrorError {
  constructor(operation: string) {
    super('service_closed', `The run service is closed; cannot ${operation}.`, { isRetryable: true });
  }
}
