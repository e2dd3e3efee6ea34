/**
 * @module llm/providers/mock/mock-unconfigured-error
 * Raised by the mock model when a test did not script an answer for a call.
 */
import { ZeroErrorError } from '../../../errors/zero-error-error.js';

/**
 * The mock model was called without a scripted response: none configured, or the response array is used up.
 * Code: `mock_unconfigured`. Fails the test loudly instead of inventing text.
 */
export class MockUnconfiguredError extends ZeroErrorError {
  /** Zero-based index of the call that had no response. */
  readonly callIndex: number;
  constructor(options: { callIndex: number; reason: string }) {
    super('mock_unconfigured', `mock: no response for call #${options.callIndex}: ${options.reason}`);
    this.callIndex = options.callIndex;
  }
}
