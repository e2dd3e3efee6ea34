/**
 * @module errors/invalid-argument-error
 * Thrown when a caller passes an argument that fails validation at a public boundary.
 */
import { ZeroErrorError } from './zero-error-error.js';

/**
 * An argument failed validation. Names the parameter, the value received and what was expected.
 *
 * Code: `invalid_argument`.
 */
export class InvalidArgumentError extends ZeroErrorError {
  /** Dotted path of the offending parameter, e.g. `options.k` or `limits.timeoutMs`. */
  readonly parameter: string;
  /** The value that was received (as given). */
  readonly value: unknown;
  /** What was expected, e.g. `a positive integer`. */
  readonly expected: string;

  constructor(options: { parameter: string; value: unknown; expected: string; cause?: unknown }) {
    super(
      'invalid_argument',
      `Invalid argument ${options.parameter}: got ${preview(options.value)}, expected ${options.expected}.`,
      { cause: options.cause },
    );
    this.parameter = options.parameter;
    this.value = options.value;
    this.expected = options.expected;
  }

  /**
   * The same complaint about a value that reached the checker under another name (an HTTP edge's `body.input[0]` for
   * a provider's `texts[0]`); this error is the cause.
   */
  renamed(parameter: string): InvalidArgumentError {
    return new InvalidArgumentError({ parameter, value: this.value, expected: this.expected, cause: this });
  }
}

/** Short, single-line rendering of a value for error messages (at most 80 characters). */
export function preview(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
