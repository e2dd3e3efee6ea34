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

/**
 * The message of a sandbox that cannot be used: the probe's `reason` (what failed and the fix), and that nothing
 * runs without isolation unless the user passes `--unsafe-no-sandbox`.
 */
export function noSandboxMessage(reason: string): string {
  return `No sandbox available: ${reason} Generated code is never run without isolation unless you pass --unsafe-no-sandbox.`;
}
