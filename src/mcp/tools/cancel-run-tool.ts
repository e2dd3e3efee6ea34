/**
 * @module mcp/tools/cancel-run-tool
 * The `cancel_run` tool: stops a run that is live in this server. A build stops cleanly at its next checkpoint and
 * stays resumable (nothing finished is lost); a solve ends cancelled.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { RunNotFoundError, RunNotLiveError, type RunService } from '../../index.js';
import { guarded, toolResult } from '../tool-context.js';

/** Input of `cancel_run`. */
export const cancelRunInputShape = {
  runId: z.string().min(1).describe('The run id returned by solve or build.'),
};

/** Registers `cancel_run` on `server`. */
export function registerCancelRunTool(server: McpServer, service: RunService): void {
  server.registerTool('cancel_run', {
    title: 'Cancel a run',
    description:
      'Cancel a run that is live in this server. A build stops at its next checkpoint and stays resumable; nothing finished is lost. Errors: run_not_found, run_not_live (it already settled or paused).',
    inputSchema: cancelRunInputShape,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  }, guarded(async (args) => {
    if (await service.cancel(args.runId)) {
      return toolResult({ runId: args.runId, cancelled: true }, `run ${args.runId}: cancellation requested; poll run_status to see it stop`);
    }
    if (await service.record(args.runId) === undefined) throw new RunNotFoundError({ runId: args.runId });
    throw new RunNotLiveError(args.runId);
  }));
}
