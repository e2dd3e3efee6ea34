/**
 * @module llm/model-errors
 * Errors raised by model providers and their middleware.
 */
import { ZeroErrorError } from '../errors/zero-error-error.js';

/**
 * A model call failed. `isRetryable` is derived from the failure (HTTP 408/409/429/5xx and network resets are
 * retryable; 400/401/403/404 are not). Code: `model_call_failed`.
 */
export class ModelCallError extends ZeroErrorError {
  readonly provider: string;
  readonly statusCode: number | undefined;
  constructor(options: { provider: string; message: string; statusCode?: number; isRetryable: boolean; cause?: unknown }) {
    super('model_call_failed', `${options.provider}: ${options.message}`, {
      cause: options.cause,
      isRetryable: options.isRetryable,
    });
    this.provider = options.provider;
    this.statusCode = options.statusCode;
  }
}

/**
 * The model cannot be reached or loaded at all (no server at the URL, missing GGUF file, bad key, circuit open).
 * The engine stops and reports it; it never invents an answer. Code: `model_unavailable`.
 */
export class ModelUnavailableError extends ZeroErrorError {
  readonly provider: string;
  constructor(options: { provider: string; message: string; cause?: unknown }) {
    super('model_unavailable', `${options.provider}: ${options.message}`, { cause: options.cause });
    this.provider = options.provider;
  }
}

/**
 * A replay provider has served every recorded sample for a problem, or has none. Code: `replay_exhausted`.
 * The sampler treats it as the end of the sample budget for that task.
 */
export class ReplayExhaustedError extends ZeroErrorError {
  readonly taskId: string;
  constructor(options: { taskId: string; served: number }) {
    super(
      'replay_exhausted',
      `replay: no more recorded samples for task ${JSON.stringify(options.taskId)} (served ${options.served})`,
    );
    this.taskId = options.taskId;
  }
}
