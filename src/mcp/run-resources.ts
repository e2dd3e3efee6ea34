/**
 * @module mcp/run-resources
 * Runs as MCP resources: `zerr://runs/{runId}` (the run record's summary: status, config, totals, decisions) and
 * `zerr://runs/{runId}/report` (a build's report.json), both `application/json`, as resource templates whose list
 * callbacks name the recent runs. A read that fails is a JSON-RPC error from the table in `error-table.ts`.
 */
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ReadResourceResult, Resource } from '@modelcontextprotocol/sdk/types.js';
import { RunNotFoundError, type RunRecord, type RunService, type RunStore } from '../index.js';
import { resourceError } from './error-table.js';
import { ReportNotFoundError } from './report-not-found-error.js';

/** How many recent runs the resource lists name. */
const RECENT_RUNS = 50;
const JSON_MIME = 'application/json';

/** Registers the two run resource templates on `server`. */
export function registerRunResources(server: McpServer, dependencies: { readonly service: RunService; readonly store: RunStore }): void {
  const { service, store } = dependencies;

  server.registerResource('run', new ResourceTemplate('zerr://runs/{runId}', {
    list: async () => ({
      resources: (await store.listRuns({ limit: RECENT_RUNS })).map((run): Resource => ({
        uri: `zerr://runs/${run.id}`, name: `run ${run.id}`, mimeType: JSON_MIME,
        description: `${run.kind} run, ${run.status}, ${run.tasks} task(s), ${run.samples} sample(s), model ${run.model}`,
      })),
    }),
  }), {
    title: 'Run record summary',
    description: 'A recorded run: kind, model, status, config, summary, counts of samples, red flags, layer results and votes, and each task\'s decision.',
    mimeType: JSON_MIME,
  }, async (uri, variables) => readJson(uri, async () => {
    const runId = single(variables['runId']);
    const record = await store.getRun(runId);
    if (record === undefined) throw new RunNotFoundError({ runId });
    return recordSummary(record);
  }));

  server.registerResource('run-report', new ResourceTemplate('zerr://runs/{runId}/report', {
    list: async () => ({
      resources: (await store.listRuns({ limit: RECENT_RUNS }))
        .filter((run) => run.kind === 'build' && (run.status === 'completed' || run.status === 'paused'))
        .map((run): Resource => ({
          uri: `zerr://runs/${run.id}/report`, name: `report ${run.id}`, mimeType: JSON_MIME,
          description: `report.json of the ${run.status} build ${run.id}`,
        })),
    }),
  }), {
    title: 'Build report',
    description: 'A build\'s report.json: DAG levels, tasks with their attempts, decompositions, escalations, commits, integration, remaining work and totals.',
    mimeType: JSON_MIME,
  }, async (uri, variables) => readJson(uri, async () => {
    const runId = single(variables['runId']);
    const view = await service.get(runId);
    if (view === undefined) throw new RunNotFoundError({ runId });
    if (view.report !== null) return view.report;
    throw new ReportNotFoundError({ runId, why: view.kind === 'build' ? `the build is ${view.status}; the report is written when it pauses or completes` : `it is a ${view.kind} run, not a build` });
  }));
}

/** The run record without its per-sample rows (those can run to megabytes): counts instead, decisions in full. */
export function recordSummary(record: RunRecord): Record<string, unknown> {
  return {
    id: record.id, kind: record.kind, model: record.model, status: record.status, createdAt: record.createdAt,
    finishedAt: record.finishedAt, config: record.config, summary: record.summary,
    counts: {
      tasks: record.tasks.length, samples: record.samples.length, redFlags: record.redFlags.length,
      layerResults: record.layerResults.length, votes: record.votes.length, decisions: record.decisions.length,
    },
    tasks: record.tasks.map((task) => task.taskId),
    decisions: record.decisions,
  };
}

function single(value: string | string[] | undefined): string {
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}

async function readJson(uri: URL, read: () => Promise<unknown>): Promise<ReadResourceResult> {
  try {
    const value = await read();
    return { contents: [{ uri: uri.href, mimeType: JSON_MIME, text: JSON.stringify(value, null, 2) }] };
  } catch (error) {
    throw resourceError(error);
  }
}
