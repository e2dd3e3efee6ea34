/**
 * @module mcp/error-table
 * The one table that maps engine errors (`ZeroErrorError.code`) to MCP wire errors. A tool call that fails comes
 * back as a tool result with `isError: true` (the model reading it can react), never as a protocol error; a
 * resource read that fails is a JSON-RPC error, because resources have no error result.
 */
import { ErrorCode, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ZeroErrorError } from '../index.js';

/** What kind of failure a code is, on the wire (`unsupported`: this server lacks the capability, e.g. a model). */
export type WireErrorKind = 'invalid_input' | 'not_found' | 'conflict' | 'unavailable' | 'unsupported' | 'internal';

/** JSON-RPC code for "resource not found" (MCP specification, Resources: Error Handling). */
export const RESOURCE_NOT_FOUND = -32002;

/** Engine error code -> wire kind. Codes not listed are `internal`. */
const WIRE_KIND: Readonly<Record<string, WireErrorKind>> = {
  invalid_argument: 'invalid_input',
  invalid_spec: 'invalid_input',
  spec_not_found: 'invalid_input',
  unknown_dataset: 'invalid_input',
  unknown_problem: 'invalid_input',
  dependency_cycle: 'invalid_input',
  unknown_dependency: 'invalid_input',
  module_name_clash: 'invalid_input',
  run_not_found: 'not_found',
  escalation_not_found: 'not_found',
  report_not_found: 'not_found',
  build_not_resumable: 'conflict',
  not_a_build: 'conflict',
  escalation_already_answered: 'conflict',
  run_not_live: 'conflict',
  vote_already_decided: 'conflict',
  duplicate_record: 'conflict',
  model_unavailable: 'unavailable',
  circuit_open: 'unavailable',
  model_timeout: 'unavailable',
  replay_exhausted: 'unavailable',
  sandbox_unavailable: 'unavailable',
  dataset_unavailable: 'unavailable',
  store_closed: 'unavailable',
  store_unavailable: 'unavailable',
  queue_unavailable: 'unavailable',
  sample_job_refused: 'unavailable',
  service_closed: 'unavailable',
  budget_exceeded: 'unavailable',
  model_required: 'unsupported',
};

/** JSON-RPC error code of each kind (for resource reads). */
const RPC_CODE: Readonly<Record<WireErrorKind, number>> = {
  invalid_input: ErrorCode.InvalidParams,
  not_found: RESOURCE_NOT_FOUND,
  conflict: ErrorCode.InvalidRequest,
  unavailable: ErrorCode.InternalError,
  unsupported: ErrorCode.InvalidRequest,
  internal: ErrorCode.InternalError,
};

/** An error as the MCP edge reports it. */
export interface WireError {
  /** The engine's stable code (`invalid_spec`, `run_not_found`), or `internal` for an unexpected error. */
  readonly code: string;
  readonly kind: WireErrorKind;
  readonly message: string;
  /** Whether the same call may succeed later unchanged. */
  readonly retryable: boolean;
  /** The offending field (`options.p`, `request.maxLines`) of an `invalid_argument`. */
  readonly parameter?: string;
  /** Field-level problems of an `invalid_spec`: path and what was expected. */
  readonly issues?: readonly { readonly path: string; readonly expected: string }[];
}

/** Reads `error` through the table. */
export function toWireError(error: unknown): WireError {
  if (ZeroErrorError.isInstance(error)) {
    const kind = WIRE_KIND[error.code] ?? 'internal';
    const { parameter, issues } = error as { parameter?: unknown; issues?: unknown };
    return {
      code: error.code, kind, message: error.message, retryable: error.isRetryable || kind === 'unavailable',
      ...(typeof parameter === 'string' ? { parameter } : {}),
      ...(Array.isArray(issues) ? { issues: issues.map((issue: { path: string; expected: string }) => ({ path: issue.path, expected: issue.expected })) } : {}),
    };
  }
  return { code: 'internal', kind: 'internal', message: error instanceof Error ? error.message : String(error), retryable: false };
}

/** A failed tool call: `isError`, the text `<code>: <message>`, and the error as structured content. */
export function toolError(error: unknown): CallToolResult {
  const wire = toWireError(error);
  return {
    isError: true,
    content: [{ type: 'text', text: `${wire.code}: ${wire.message}` }],
    structuredContent: { error: { ...wire } },
  };
}

/** A failed resource read, as the JSON-RPC error to throw (`data` carries the engine code). */
export function resourceError(error: unknown): McpError {
  const wire = toWireError(error);
  return new McpError(RPC_CODE[wire.kind], `${wire.code}: ${wire.message}`, { code: wire.code, kind: wire.kind });
}
