/**
 * @module mcp/tools/verify-tool
 * The `verify` tool: the engine's verification layers (syntax, types, contracts, unit tests, properties, ...) on
 * given code against a task spec. The code runs only in the sandbox.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { Engine } from '../../index.js';
import { parseSpecArgument, taskSpecArgument } from '../task-spec-input.js';
import { guarded, toolResult } from '../tool-context.js';

/** Input of `verify`. */
export const verifyInputShape = {
  spec: taskSpecArgument().describe('The task spec the code must satisfy (Zero-Error task-spec schema).'),
  code: z.string().describe('The candidate code: the complete function (or module) in the spec\'s language.'),
};

/** Registers `verify` on `server`. */
export function registerVerifyTool(server: McpServer, engine: Engine): void {
  server.registerTool('verify', {
    title: 'Verify code against a task spec',
    description:
      'Run the verification layers on code against a task spec, in the sandbox. Returns passed, the first failing layer, and each layer\'s status (pass, fail, skipped) and reason.',
    inputSchema: verifyInputShape,
    annotations: { readOnlyHint: true, openWorldHint: false },
  }, guarded(async (args, extra) => {
    const spec = parseSpecArgument(args.spec);
    const report = await engine.verify(spec, args.code, { signal: extra.signal });
    const layers = report.results.map((result) => ({ layer: result.layer, status: result.status, reason: result.reason, durationMs: result.durationMs }));
    const text = [
      report.passed ? `${spec.id}: pass` : `${spec.id}: fail at ${report.failedLayer ?? 'unknown layer'}`,
      ...layers.map((layer) => `  ${layer.layer.padEnd(16)}${layer.status.padEnd(8)}${layer.reason}`),
    ].join('\n');
    return toolResult({ taskId: spec.id, passed: report.passed, failedLayer: report.failedLayer, layers }, text);
  }));
}
