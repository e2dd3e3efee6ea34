import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ModelUnavailableError, parseTaskSpec, RunNotFoundError } from '../index.js';
import { RESOURCE_NOT_FOUND, resourceError, toolError, toWireError } from './error-table.js';
import { ModelRequiredError } from './model-required-error.js';

describe('mcp error table', () => {
  it('keeps the engine code and message, and the offending parameter of invalid_argument', () => {
    const wire = toWireError(new InvalidArgumentError({ parameter: 'options.p', value: 0.4, expected: 'a number in (0.5, 1]' }));
    expect(wire).toMatchObject({ code: 'invalid_argument', kind: 'invalid_input', parameter: 'options.p', retryable: false });
    expect(wire.message).toContain('options.p');
  });

  it('lists the fields of an invalid spec', () => {
    let error: unknown;
    try { parseTaskSpec({ id: 'x' }); } catch (caught) { error = caught; }
    const wire = toWireError(error);
    expect(wire.code).toBe('invalid_spec');
    expect(wire.issues?.map((issue) => issue.path)).toEqual(expect.arrayContaining(['name', 'language', 'signature']));
  });

  it('marks an unavailable model retryable and an unknown error internal', () => {
    expect(toWireError(new ModelUnavailableError({ provider: 'openai', message: 'connection refused' }))).toMatchObject({ code: 'model_unavailable', kind: 'unavailable', retryable: true });
    expect(toWireError(new TypeError('boom'))).toEqual({ code: 'internal', kind: 'internal', message: 'boom', retryable: false });
  });

  it('a tool that needs a model on a server without one is unsupported and not retryable', () => {
    const wire = toWireError(new ModelRequiredError({ tool: 'solve' }));
    expect(wire).toMatchObject({ code: 'model_required', kind: 'unsupported', retryable: false });
    expect(wire.message).toMatch(/^the solve tool needs a model.*zerr mcp --model <uri>/);
    expect(resourceError(new ModelRequiredError({ tool: 'build' })).code).toBe(ErrorCode.InvalidRequest);
  });

  it('gives a tool error result (isError) and a JSON-RPC error for resources', () => {
    const result = toolError(new RunNotFoundError({ runId: 'r1' }));
    expect(result.isError).toBe(true);
    expect(result.content[0]).toMatchObject({ type: 'text', text: expect.stringMatching(/^run_not_found: /) });
    const rpc = resourceError(new RunNotFoundError({ runId: 'r1' }));
    expect(rpc).toBeInstanceOf(McpError);
    expect(rpc.code).toBe(RESOURCE_NOT_FOUND);
    expect(resourceError(new InvalidArgumentError({ parameter: 'x', value: 1, expected: 'y' })).code).toBe(ErrorCode.InvalidParams);
  });
});
