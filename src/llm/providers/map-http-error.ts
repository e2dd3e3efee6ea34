/**
 * @module llm/providers/map-http-error
 * One table from HTTP-SDK failures (openai, @anthropic-ai/sdk: same Stainless error shapes) to model errors.
 */
import { ZeroErrorError } from '../../errors/zero-error-error.js';
import { abortReason } from '../abort.js';
import { ModelCallError, ModelTimeoutError, ModelUnavailableError } from '../model-errors.js';
import { retryAfterMsOf, type HeaderSource } from '../retry-after.js';

/** Network error codes meaning "nothing answers at this address": the model is unavailable, not flaky. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_NONAME']);

/**
 * Maps an error thrown by an HTTP model SDK call to the engine's error, to be thrown by the provider.
 *
 * | failure                                            | result                                          |
 * |----------------------------------------------------|-------------------------------------------------|
 * | caller's `signal` aborted                          | the signal's reason (AbortError / TimeoutError) |
 * | connection refused, DNS failure, HTTP 401/403/404  | ModelUnavailableError naming `url`              |
 * | SDK request timeout                                | ModelTimeoutError (`model_timeout`, retryable)  |
 * | HTTP 408/409/429/5xx, other network failures       | ModelCallError, `isRetryable: true`             |
 * | other HTTP 4xx, anything else                      | ModelCallError, `isRetryable: false`            |
 *
 * An HTTP failure's `Retry-After` / `retry-after-ms` header becomes the error's `retryAfterMs`.
 */
export function mapHttpError(options: {
  provider: string;
  url: string;
  error: unknown;
  signal?: AbortSignal | undefined;
}): unknown {
  const { provider, url, error, signal } = options;
  if (signal?.aborted === true) return abortReason(signal);
  if (ZeroErrorError.isInstance(error)) return error;
  const name = error instanceof Error ? (error.name === 'Error' ? error.constructor.name : error.name) : '';
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'APIUserAbortError') return new DOMException(message, 'AbortError');
  if (name === 'APIConnectionTimeoutError') return new ModelTimeoutError({ provider, cause: error });
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number') {
    if (status === 401 || status === 403 || status === 404) {
      const why = status === 404 ? 'no such endpoint or model' : 'authentication or permission refused';
      return new ModelUnavailableError({ provider, message: `${url} answered HTTP ${status} (${why}): ${message}`, cause: error });
    }
    const isRetryable = status === 408 || status === 409 || status === 429 || status >= 500;
    const retryAfterMs = retryAfterMsOf((error as { headers?: HeaderSource | null }).headers);
    return new ModelCallError({
      provider, message: `HTTP ${status} from ${url}: ${message}`, statusCode: status, isRetryable, cause: error,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  const code = networkCode(error);
  if (code !== undefined && UNREACHABLE_CODES.has(code)) {
    return new ModelUnavailableError({ provider, message: `cannot reach ${url} (${code})`, cause: error });
  }
  if (name === 'APIConnectionError') {
    return new ModelCallError({ provider, message: `connection to ${url} failed (${code ?? message})`, isRetryable: true, cause: error });
  }
  return new ModelCallError({ provider, message, isRetryable: false, cause: error });
}

/** The first `code` string (e.g. `ECONNREFUSED`) found along the `cause` chain, also inside AggregateErrors. */
function networkCode(error: unknown, depth = 0): string | undefined {
  if (depth > 8 || error === null || typeof error !== 'object') return undefined;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const found = networkCode(inner, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return networkCode(cause, depth + 1);
}
