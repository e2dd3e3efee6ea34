/**
 * @module mcp/tools/build-tool
 * The `build` tool: requirements -> decomposition DAG -> verified tasks -> integrated project (`zerr build`), run in
 * the background by the RunService into `<outRoot>/<runId>`. Returns `{ runId }` at once (poll `run_status`, read
 * `zerr://runs/{runId}/report`), or with `wait: true` waits for the build to pause or complete and returns its report.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { BuildRequestSchema, parseBuildRequest, type BuildRequestInput, type RunService } from '../../index.js';
import { guarded, progressReporter, toolResult, type ModelGate, type ToolExtra } from '../tool-context.js';

/** JSON Schema of the build options (the build request without `requirements`), input side. */
function buildOptionsJsonSchema(): Record<string, unknown> {
  const { $schema: _schema, properties, required: _required, ...rest } = z.toJSONSchema(BuildRequestSchema.omit({ requirements: true }), { io: 'input' }) as Record<string, unknown>;
  return { ...rest, properties };
}

/** Input of `build`. */
export const buildInputShape = {
  requirements: z.string().describe('The requirements in natural language (what the project must do).'),
  options: z.record(z.string(), z.unknown()).meta(buildOptionsJsonSchema()).optional()
    .describe('Build settings: name, language (typescript | python), maxLines, maxComplexity, maxDepth, k, vote (first-to-ahead-by-k | adaptive), target (with vote adaptive), maxSamples, decomposeK, decomposeMaxSamples, concurrency, seed, budgets { maxCostUsd, maxTokens, maxWallMs }.'),
  wait: z.boolean().optional().describe('Wait for the build to pause or complete and return its report. Default false: return { runId } at once.'),
};

/** Registers `build` on `server`; `requireModel` answers `model_required` on a server without a model. */
export function registerBuildTool(server: McpServer, service: RunService, requireModel: ModelGate = () => undefined): void {
  server.registerTool('build', {
    title: 'Build a project from requirements',
    description:
      'Build a TypeScript project from requirements: decomposition into a DAG of atomic tasks, each solved by MAKER-style voting and verified, then integrated and committed to git with report.json. Starts in the background and returns { runId } (poll run_status, read zerr://runs/{runId}/report), or with wait: true returns the report when the build pauses or completes.',
    inputSchema: buildInputShape,
    annotations: { readOnlyHint: false, openWorldHint: true },
  }, guarded(async (args, extra) => {
    requireModel('build');
    const request = { ...(args.options ?? {}), requirements: args.requirements } as BuildRequestInput;
    parseBuildRequest(request);
    const { runId } = await service.startBuild({ request });
    if (args.wait !== true) {
      return toolResult({ runId, status: 'running' }, `build ${runId} started; poll run_status { runId: "${runId}" } or read zerr://runs/${runId}/report once it settles`);
    }
    await waitForSettled(service, runId, extra);
    const view = await service.get(runId);
    const status = view?.status ?? 'unknown';
    const report = view?.report ?? null;
    const lines = [`build ${runId}: ${status}${report === null ? '' : ` - ${report.reason}`}`];
    if (report !== null) {
      lines.push(`${report.totals.settled}/${report.totals.tasks} tasks settled, ${report.totals.samples} samples, ${report.totals.redFlagged} red-flagged, integration ${report.integration?.passed === true ? 'passed' : 'not passed'}`);
    }
    const error = view?.summary?.['error'];
    if (typeof error === 'string') lines.push(`error: ${error}`);
    return toolResult({ runId, status, report }, lines.join('\n'));
  }));
}

/** Waits until the run is no longer live, forwarding its events as progress; stops waiting when the call is cancelled. */
async function waitForSettled(service: RunService, runId: string, extra: ToolExtra): Promise<void> {
  const report = progressReporter(extra);
  const forwarding = new AbortController();
  const onAbort = (): void => { forwarding.abort(); };
  extra.signal.addEventListener('abort', onAbort, { once: true });
  const forward = (async () => {
    if (extra._meta?.progressToken === undefined) return;
    try {
      for await (const entry of service.events(runId, { signal: forwarding.signal })) report(entry.event);
    } catch {
      // The event stream ends with the run or the abort; progress is best effort.
    }
  })();
  try {
    await new Promise<void>((resolve, reject) => {
      if (extra.signal.aborted) { reject(extra.signal.reason); return; }
      extra.signal.addEventListener('abort', () => { reject(extra.signal.reason); }, { once: true });
      service.settled(runId).then(resolve, reject);
    });
  } finally {
    extra.signal.removeEventListener('abort', onAbort);
    forwarding.abort();
    await forward;
  }
}
