/**
 * @module mcp/tools/run-status-tool
 * The `run_status` tool: a run's view from the RunService (status, tasks with their decisions, a build's DAG,
 * escalations, totals, and the report once a build settled).
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { RunNotFoundError, type RunService, type RunView } from '../../index.js';
import { guarded, toolResult } from '../tool-context.js';

/** Input of `run_status`. */
export const runStatusInputShape = {
  runId: z.string().min(1).describe('The run id returned by solve or build.'),
};

/** Registers `run_status` on `server`. */
export function registerRunStatusTool(server: McpServer, service: RunService): void {
  server.registerTool('run_status', {
    title: 'Status of a run',
    description:
      'The status of a solve or build run: running / paused / completed / failed / cancelled, whether it is live, each task\'s decision, a build\'s DAG and escalations, totals, and the build report once it settled.',
    inputSchema: runStatusInputShape,
    annotations: { readOnlyHint: true, openWorldHint: false },
  }, guarded(async (args) => {
    const view = await service.get(args.runId);
    if (view === undefined) throw new RunNotFoundError({ runId: args.runId });
    return toolResult({ ...view }, runText(view));
  }));
}

function runText(view: RunView): string {
  const decided = view.tasks.filter((task) => task.decision !== null).length;
  const outcomes: Record<string, number> = {};
  for (const task of view.tasks) if (task.decision !== null) outcomes[task.decision.outcome] = (outcomes[task.decision.outcome] ?? 0) + 1;
  const open = view.escalations.filter((escalation) => escalation.status === 'open').length;
  return [
    `run ${view.id} (${view.kind}, ${view.model}): ${view.status}${view.live ? ' (live)' : ''}`,
    `${decided}/${view.tasks.length} tasks decided (${Object.entries(outcomes).map(([outcome, count]) => `${outcome} ${count}`).join(', ') || 'none'}); ${view.totals.samples} samples, tokens in/out ${view.totals.inputTokens}/${view.totals.outputTokens}, ${view.totals.wallMs} ms`,
    ...(view.dag === null ? [] : [`DAG: ${view.dag.nodes.length} nodes (${view.dag.nodes.filter((node) => node.state === 'settled').length} settled)`]),
    ...(open === 0 ? [] : [`${open} open escalation(s)`]),
    ...(view.report === null ? [] : [`report: ${view.report.status} - ${view.report.reason} (zerr://runs/${view.id}/report)`]),
  ].join('\n');
}
