/**
 * @module llm/call-failure
 * A model call that gave no answer (after the model stack's retries), as the sampling loops record and count it:
 * the code solve samples, the proposal votes and the queue workers that draw for both read a failure the same way.
 */
import { ModelCallError, ModelUnavailableError } from './model-errors.js';

/** What is recorded of a call that gave no answer (`CallFailureRecord` without its task, sample and time). */
export interface CallFailure {
  /** The error's code (`model_call_failed`, `model_timeout`, `circuit_open`, ...), `unknown` without one. */
  readonly code: string;
  /** The HTTP status of a `ModelCallError`, else null. */
  readonly statusCode: number | null;
  readonly message: string;
  /** Attempts the call made (1 without retries). */
  readonly attempts: number;
  /** The model cannot be reached at all (`ModelUnavailableError`, an open circuit breaker): sampling stops. */
  readonly unavailable: boolean;
}

/** The {@link CallFailure} of `error`, thrown by `LanguageModel.generate`. */
export function callFailureOf(error: unknown): CallFailure {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return {
    code: typeof code === 'string' ? code : 'unknown',
    statusCode: error instanceof ModelCallError ? (error.statusCode ?? null) : null,
    message: error instanceof Error ? error.message : String(error),
    attempts: error instanceof ModelCallError ? error.attempts : 1,
    unavailable: error instanceof ModelUnavailableError || code === 'circuit_open',
  };
}

/** Whether `error` ends a call because it was aborted (the error's name, or the caller's `signal`). */
export function isAbortOf(error: unknown, signal: AbortSignal | undefined): boolean {
  return (error as { name?: unknown } | null | undefined)?.name === 'AbortError' || signal?.aborted === true;
}
