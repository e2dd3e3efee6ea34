/**
 * @module verify/typescript/analysis-limit-error
 * Errors of bounded analysis workers (`bounded-worker.ts`): the engine's own work on candidate text (type checking,
 * linting) ran past its time limit, past its memory limit, or failed in its worker. The layers turn them into layer
 * failures (`types: type check timed out after 5000 ms`); the engine process is never affected.
 */
import { ZeroErrorError } from '../../errors/index.js';

/**
 * One analysis of a candidate ran longer than its limit; the worker was terminated. Deterministic for the same
 * candidate, so not retryable. Code: `analysis_timed_out`. Message: `type check timed out after 5000 ms`.
 */
export class AnalysisTimeoutError extends ZeroErrorError {
  /** The wall-clock limit that was exceeded, in milliseconds. */
  readonly timeoutMs: number;

  constructor(options: { readonly what: string; readonly timeoutMs: number }) {
    super('analysis_timed_out', `${options.what} timed out after ${options.timeoutMs} ms`);
    this.timeoutMs = options.timeoutMs;
  }
}

/**
 * One analysis of a candidate made its worker exceed the worker's heap limit (`resourceLimits.maxOldGenerationSizeMb`);
 * V8 stopped the worker. Code: `analysis_out_of_memory`. Message: `type check ran out of memory (limit 512 MiB)`.
 */
export class AnalysisOutOfMemoryError extends ZeroErrorError {
  /** The worker's heap limit, in MiB. */
  readonly memoryLimitMb: number;

  constructor(options: { readonly what: string; readonly memoryLimitMb: number; readonly cause?: unknown }) {
    super('analysis_out_of_memory', `${options.what} ran out of memory (limit ${options.memoryLimitMb} MiB)`, { cause: options.cause });
    this.memoryLimitMb = options.memoryLimitMb;
  }
}

/**
 * An analysis worker failed. `during: 'check'`: while analysing a candidate (the analysis threw, e.g. the checker ran
 * out of stack on deeply nested code, or the worker died) - a property of that candidate. `during: 'start'`: the
 * worker could not start or warm up (missing module, a memory limit too small for the compiler itself, the start
 * limit passed) - a fault of the installation, retryable. Code: `analysis_worker_failed`.
 */
export class AnalysisWorkerError extends ZeroErrorError {
  readonly during: 'start' | 'check';

  constructor(message: string, options: { readonly during: 'start' | 'check'; readonly cause?: unknown }) {
    super('analysis_worker_failed', message, { cause: options.cause, isRetryable: options.during === 'start' });
    this.during = options.during;
  }
}

/**
 * Whether `error` means "this candidate's analysis was stopped or failed" (a layer failure), as opposed to an
 * engine fault (a worker that cannot start) or a caller's abort, which propagate.
 */
export function isCandidateAnalysisFailure(error: unknown): error is AnalysisTimeoutError | AnalysisOutOfMemoryError | AnalysisWorkerError {
  return error instanceof AnalysisTimeoutError ||
    error instanceof AnalysisOutOfMemoryError ||
    (error instanceof AnalysisWorkerError && error.during === 'check');
}

/** Structured details of a candidate analysis failure, for a layer's `details`. */
export function analysisFailureDetails(error: AnalysisTimeoutError | AnalysisOutOfMemoryError | AnalysisWorkerError): Record<string, unknown> {
  if (error instanceof AnalysisTimeoutError) return { limitExceeded: 'timeoutMs', timeoutMs: error.timeoutMs };
  if (error instanceof AnalysisOutOfMemoryError) return { limitExceeded: 'memoryLimitMb', memoryLimitMb: error.memoryLimitMb };
  return { analysisError: error.message };
}
