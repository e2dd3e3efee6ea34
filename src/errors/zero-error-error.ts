/**
 * @module errors/zero-error-error
 * The one base class of every error the engine throws on purpose. Each module defines its own subclasses next to
 * the code that throws them; the HTTP/MCP edges map `code` to wire errors in one table.
 */

/** Options accepted by every {@link ZeroErrorError} constructor. */
export interface ZeroErrorErrorOptions {
  /** The underlying error, kept for diagnosis (ES2022 `Error.cause`). */
  readonly cause?: unknown;
  /** Whether retrying the same operation may succeed (e.g. HTTP 429/5xx). Default `false`. */
  readonly isRetryable?: boolean;
}

/**
 * Base class of all Zero-Error errors.
 *
 * `code` is a stable, machine-readable string (snake_case) that scripts and the wire edges rely on; the message is
 * for people and may change.
 */
export class ZeroErrorError extends Error {
  /** Stable machine-readable error code, e.g. `invalid_argument`. */
  readonly code: string;
  /** Whether the failed operation may succeed when retried unchanged. */
  readonly isRetryable: boolean;

  constructor(code: string, message: string, options: ZeroErrorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.isRetryable = options.isRetryable ?? false;
  }

  /** True when `error` is a Zero-Error error (works across duplicated module instances, by brand check). */
  static isInstance(error: unknown): error is ZeroErrorError {
    return (
      error instanceof Error &&
      typeof (error as { code?: unknown }).code === 'string' &&
      typeof (error as { isRetryable?: unknown }).isRetryable === 'boolean'
    );
  }
}
