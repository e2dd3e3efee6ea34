/**
 * @module server/model-server/openai-wire-error
 * The model server's errors in the OpenAI API's shape, `{ "error": { "message", "type", "code", "param" } }`, so
 * that OpenAI clients raise their usual exceptions. Status and `code` come from the server's one error table
 * (`../error-table.ts`, via `toWireError`); `param` names the request field of an `invalid_argument`.
 */
import { toWireError } from '../error-table.js';

/** An error as the model server sends it. */
export interface OpenAiWireError {
  readonly status: number;
  readonly body: {
    readonly error: { readonly message: string; readonly type: string; readonly code: string; readonly param: string | null };
  };
  /** Seconds for the `Retry-After` header (429 and 503 answers that say when to retry). */
  readonly retryAfterSeconds?: number;
}

/** OpenAI's error `type` for an HTTP status. */
export function openAiErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/**
 * Maps any thrown value to its OpenAI wire form. An `InvalidArgumentError` raised on the request body
 * (parameter `body.<field>`) gets `param: "<field>"`.
 */
export function toOpenAiError(error: unknown): OpenAiWireError {
  const wire = toWireError(error);
  const parameter = (error as { parameter?: unknown } | null)?.parameter;
  const param = typeof parameter === 'string' && parameter.startsWith('body.') ? parameter.slice('body.'.length) : null;
  return {
    status: wire.status,
    body: { error: { message: wire.body.error.message, type: openAiErrorType(wire.status), code: wire.body.error.code, param } },
    ...(wire.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: wire.retryAfterSeconds }),
  };
}
