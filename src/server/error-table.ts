/**
 * @module server/error-table
 * The one table from error codes (engine `ZeroErrorError.code`s and the edge's own) to HTTP statuses. Every error
 * leaves the server as `{ "error": { "code", "message" } }` with the status this table gives; a code not listed is
 * a 500 (an engine error nobody mapped yet keeps its code, anything else becomes `internal`). An error that says when
 * to retry (`retryAfterMs`) also gets a `Retry-After` header (whole seconds, at least 1).
 */

/** HTTP status per stable error code. */
export const ERROR_STATUS: Readonly<Record<string, number>> = {
  // The request is wrong.
  invalid_argument: 400,
  context_length_exceeded: 400,
  invalid_spec: 400,
  invalid_json: 400,
  body_too_deep: 400,
  dependency_cycle: 400,
  unknown_dependency: 400,
  module_name_clash: 400,
  unauthorized: 401,
  // Something named does not exist.
  not_found: 404,
  model_not_found: 404,
  run_not_found: 404,
  metrics_disabled: 404,
  escalation_not_found: 404,
  task_not_found: 404,
  // The request conflicts with the state of a run.
  escalation_already_answered: 409,
  build_not_resumable: 409,
  not_a_build: 409,
  run_not_live: 409,
  run_busy: 409,
  run_not_resumable: 409,
  run_paused: 409,
  duplicate_record: 409,
  payload_too_large: 413,
  answer_rejected: 422,
  unsupported_media_type: 415,
  rate_limited: 429,
  auth_rate_limited: 429,
  run_queue_full: 429,
  model_queue_full: 429,
  // Something the engine needs is not there (retry later).
  model_unavailable: 503,
  circuit_open: 503,
  sandbox_unavailable: 503,
  service_closed: 503,
  store_closed: 503,
  store_unavailable: 503,
  queue_unavailable: 503,
  sample_job_refused: 503,
  not_ready: 503,
  model_timeout: 504,
  internal: 500,
};

/** The wire form of an error. */
export interface WireError {
  readonly status: number;
  readonly body: { readonly error: { readonly code: string; readonly message: string } };
  /** Seconds for the `Retry-After` header, when the error says when to retry. */
  readonly retryAfterSeconds?: number;
}

/**
 * Maps any thrown value to its wire form. Engine errors (anything with a string `code` and boolean `isRetryable`)
 * keep code and message; Fastify's own errors (`statusCode` + `FST_` code) become the table's codes; anything else
 * is a 500 `internal` whose message is not revealed.
 */
export function toWireError(error: unknown): WireError {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code === 'string' && typeof (error as { isRetryable?: unknown }).isRetryable === 'boolean') {
    const retryAfterMs = (error as { retryAfterMs?: unknown }).retryAfterMs;
    const base = wire(code, message);
    return typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs) && retryAfterMs >= 0
      ? { ...base, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) }
      : base;
  }
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    const known = statusCode === 413 ? 'payload_too_large' : statusCode === 415 ? 'unsupported_media_type'
      : statusCode === 429 ? 'rate_limited' : statusCode === 404 ? 'not_found' : statusCode === 401 ? 'unauthorized'
        : typeof code === 'string' && code.startsWith('FST_ERR_CTP') ? 'invalid_json' : 'invalid_argument';
    return wire(known, message);
  }
  return wire('internal', 'internal error');
}

function wire(code: string, message: string): WireError {
  return { status: ERROR_STATUS[code] ?? 500, body: { error: { code, message } } };
}
