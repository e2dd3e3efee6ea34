/**
 * @module llm/failed-call-tally
 * Counts the model calls of one task that gave no answer (after the model stack's retries), by cause, and says when
 * they mean the model is unavailable. The sampling loops (solve, decompose) keep these apart from their sample
 * budget, which counts answers.
 */
import { z } from 'zod';
import { ModelCallError, ModelUnavailableError } from './model-errors.js';
import { parseOptions } from '../errors/parse-options.js';

/** Default of {@link FailedCallTallyOptions.maxConsecutiveFailedCalls}. */
export const DEFAULT_MAX_CONSECUTIVE_FAILED_CALLS = 5;

const OptionsSchema = z
  .object({
    provider: z.string(),
    maxFailedCalls: z.number().int().positive('a positive integer'),
    maxConsecutiveFailedCalls: z.number().int().positive('a positive integer').default(DEFAULT_MAX_CONSECUTIVE_FAILED_CALLS),
  })
  .strict();

/** Options of {@link FailedCallTally}. */
export interface FailedCallTallyOptions {
  /** The model's provider, for the error. */
  readonly provider: string;
  /** Calls without an answer in all that mean the model is unavailable (usually the sample budget). */
  readonly maxFailedCalls: number;
  /** Calls without an answer in a row that mean the model is unavailable. Default 5. */
  readonly maxConsecutiveFailedCalls?: number;
}

/**
 * The cause of a call that gave no answer, as counted and reported: `http_<status>` for an HTTP failure, `network`
 * for another failed call (connection reset, no response), else the error's code (`model_timeout`,
 * `model_empty_answer`, `model_refused`, `model_unavailable`, `circuit_open`, ...), `unknown` without one.
 */
export function failureCause(error: unknown): string {
  if (error instanceof ModelCallError && error.code === 'model_call_failed') {
    return error.statusCode === undefined ? 'network' : `http_${error.statusCode}`;
  }
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : 'unknown';
}

/** The same cause, from a recorded failure's code and HTTP status. */
export function recordedFailureCause(code: string, statusCode: number | null): string {
  if (code !== 'model_call_failed') return code;
  return statusCode === null ? 'network' : `http_${statusCode}`;
}

/** Tally of one task's calls without an answer. */
export class FailedCallTally {
  readonly #options: z.output<typeof OptionsSchema>;
  readonly #byCause: Record<string, number> = {};
  #count = 0;
  #consecutive = 0;
  #last: unknown;

  /** @throws InvalidArgumentError (`invalid_argument`, parameter `options.<field>`) for bad options. */
  constructor(options: FailedCallTallyOptions) {
    this.#options = parseOptions(OptionsSchema, options, 'options');
  }

  /** Counts a call that gave no answer; returns its cause (see {@link failureCause}). */
  failed(error: unknown): string {
    const cause = failureCause(error);
    this.#count += 1;
    this.#consecutive += 1;
    this.#byCause[cause] = (this.#byCause[cause] ?? 0) + 1;
    this.#last = error;
    return cause;
  }

  /** Counts an answer: the run of failures in a row ends. */
  answered(): void {
    this.#consecutive = 0;
  }

  /** Calls without an answer so far. */
  get count(): number {
    return this.#count;
  }

  /** {@link count} by cause, in the order the causes first appeared. */
  get byCause(): Readonly<Record<string, number>> {
    return { ...this.#byCause };
  }

  /** Whether the failures so far mean the model is unavailable (either limit reached). */
  get unavailable(): boolean {
    return this.#consecutive >= this.#options.maxConsecutiveFailedCalls || this.#count >= this.#options.maxFailedCalls;
  }

  /** `3 calls without an answer (http_500 2, model_timeout 1)`, or `''` when there were none. */
  describe(): string {
    return this.#count === 0 ? '' : `${this.#count} calls without an answer (${formatCounts(this.#byCause)})`;
  }

  /**
   * The error that stops the task once {@link unavailable}: a ModelUnavailableError whose message counts the calls
   * by cause, the retries and the answers, and names the last error (its `cause`).
   */
  unavailableError(context: { readonly retries: number; readonly answers: number }): ModelUnavailableError {
    const inARow = this.#consecutive >= this.#options.maxConsecutiveFailedCalls;
    const last = this.#last instanceof Error ? this.#last.message : String(this.#last);
    return new ModelUnavailableError({
      provider: this.#options.provider,
      message: `${inARow ? `${this.#consecutive} calls in a row` : `${this.#count} calls`} gave no answer (${formatCounts(this.#byCause)}; ` +
        `${context.retries} retries; ${context.answers} answers); last error: ${last}`,
      cause: this.#last,
    });
  }
}

function formatCounts(counts: Readonly<Record<string, number>>): string {
  const entries = Object.entries(counts);
  return entries.length === 0 ? 'none' : entries.map(([name, count]) => `${name} ${count}`).join(', ');
}
