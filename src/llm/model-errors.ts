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
  /** The wait the server asked for before a retry (`Retry-After` / `retry-after-ms`), in ms; undefined when none. */
  readonly retryAfterMs: number | undefined;
  /**
   * Attempts the logical call made before it failed with this error: 1 without retries. Set by the retry
   * middleware when it gives up (the only writer).
   */
  attempts = 1;
  constructor(options: {
    provider: string;
    message: string;
    statusCode?: number;
    isRetryable: boolean;
    retryAfterMs?: number;
    cause?: unknown;
    /** For subclasses only (e.g. `model_timeout`). Default `model_call_failed`. */
    code?: string;
  }) {
    super(options.code ?? 'model_call_failed', `${options.provider}: ${options.message}`, {
      cause: options.cause,
      isRetryable: options.isRetryable,
    });
    this.provider = options.provider;
    this.statusCode = options.statusCode;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * The model answered, but with no text at all (chat `content: null` or only whitespace, no text block): nothing to
 * judge, so it is a failed call, not an empty sample. A {@link ModelCallError} with code `model_empty_answer`; not
 * retried by the retry middleware (the same request tends to get the same empty answer); the solve loop counts it
 * apart from the sample budget, and a model that answers only this way is unavailable.
 */
export class ModelEmptyAnswerError extends ModelCallError {
  constructor(options: { provider: string; url: string; finishReason: string | null | undefined }) {
    super({
      provider: options.provider,
      message: `${options.url} answered with empty content (finish reason ${JSON.stringify(options.finishReason ?? null)})`,
      isRetryable: false,
      code: 'model_empty_answer',
    });
  }
}

/**
 * The model refused the request (OpenAI `message.refusal`, Anthropic `stop_reason: "refusal"`). A
 * {@link ModelCallError} with code `model_refused`; not retryable; counted apart from the sample budget.
 */
export class ModelRefusedError extends ModelCallError {
  /** The refusal text the model gave (may be empty). */
  readonly refusal: string;
  constructor(options: { provider: string; refusal: string }) {
    super({
      provider: options.provider,
      message: `the model refused: ${JSON.stringify(options.refusal.slice(0, 200))}`,
      isRetryable: false,
      code: 'model_refused',
    });
    this.refusal = options.refusal;
  }
}

/**
 * The model cannot be reached or loaded at all (no server at the URL, missing GGUF file, bad key, circuit open).
 * The engine stops and reports it; it never invents an answer. Code: `model_unavailable`.
 */
export class ModelUnavailableError extends ZeroErrorError {
  readonly provider: string;
  constructor(options: {
    provider: string;
    message: string;
    cause?: unknown;
    /** For subclasses only (e.g. `circuit_open`). Default `model_unavailable`. */
    code?: string;
  }) {
    super(options.code ?? 'model_unavailable', `${options.provider}: ${options.message}`, { cause: options.cause });
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

/**
 * One model call ran past its `timeoutMs` (timeout middleware) or the transport's own timeout. A
 * {@link ModelCallError} with code `model_timeout`; always retryable.
 */
export class ModelTimeoutError extends ModelCallError {
  /** The limit that was exceeded, in ms (undefined when the transport did not say). */
  readonly timeoutMs: number | undefined;
  constructor(options: { provider: string; timeoutMs?: number; cause?: unknown }) {
    super({
      provider: options.provider,
      message:
        options.timeoutMs === undefined ? 'call timed out' : `call timed out after ${options.timeoutMs} ms`,
      isRetryable: true,
      cause: options.cause,
      code: 'model_timeout',
    });
    this.timeoutMs = options.timeoutMs;
  }
}

/**
 * The circuit breaker around a model is OPEN (or HALF_OPEN with its one trial call in flight): the call was not
 * sent. A {@link ModelUnavailableError} with code `circuit_open`; not retryable by the retry middleware (the
 * breaker decides when to try again).
 */
export class CircuitOpenError extends ModelUnavailableError {
  constructor(options: { provider: string; modelId: string; cause?: unknown }) {
    super({
      provider: options.provider,
      message: `circuit breaker for ${options.modelId} is open; calls are refused until it half-opens`,
      cause: options.cause,
      code: 'circuit_open',
    });
  }
}
