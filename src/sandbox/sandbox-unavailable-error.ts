/**
 * @module sandbox/sandbox-unavailable-error
 * Thrown when process isolation cannot be set up (bubblewrap missing, namespaces refused).
 */
import { ZeroErrorError } from '../errors/index.js';

/**
 * The sandbox cannot run programs in isolation on this machine. The message says what failed and how to fix it
 * (install bubblewrap, allow unprivileged user namespaces, or pass `--unsafe-no-sandbox` knowingly).
 *
 * Code: `sandbox_unavailable`.
 */
export class SandboxUnavailableError extends ZeroErrorError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('sandbox_unavailable', message, { cause: options.cause });
  }
}
