/**
 * @module mcp/create-mcp-server
 * The Zero-Error MCP server (Model Context Protocol, official TypeScript SDK): tools `solve`, `build`, `verify`,
 * `estimate`, `run_status`, `cancel_run`, `escalations`, `answer_escalation` and the run resources `zerr://runs/{runId}` and `zerr://runs/{runId}/report`. Transport
 * agnostic: `zerr mcp` connects it to stdio or to streamable HTTP, tests to an in-memory pair.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ModelRequiredError, TOOLS_WITHOUT_MODEL } from './model-required-error.js';
import { registerRunResources } from './run-resources.js';
import type { McpDependencies, ModelGate } from './tool-context.js';
import { registerBuildTool } from './tools/build-tool.js';
import { registerCancelRunTool } from './tools/cancel-run-tool.js';
import { registerEscalationTools } from './tools/escalation-tools.js';
import { registerEstimateTool } from './tools/estimate-tool.js';
import { registerRunStatusTool } from './tools/run-status-tool.js';
import { registerSolveTool } from './tools/solve-tool.js';
import { registerSpecifyTool } from './tools/specify-tool.js';
import { registerImplementTool } from './tools/implement-tool.js';
import { registerMemorySearchTool } from './tools/memory-search-tool.js';
import { registerVerifyTool } from './tools/verify-tool.js';

/** Name and version the server reports in `initialize`. */
export const MCP_SERVER_INFO = { name: 'zerr', version: '0.1.0' } as const;

/** What {@link createMcpServer} is built from. The server closes none of them. */
export type McpServerOptions = McpDependencies;

/**
 * Builds an MCP server over one engine, run service and store. One server serves one connection (an SDK rule): for
 * streamable HTTP without sessions, build one per request; the engine, service and store are shared.
 *
 * Tools (inputs validated with zod; engine errors come back as tool results with `isError`, see `error-table.ts`):
 * - `solve { spec, k?, maxSamples?, parallelism?, seed? }` -> decision, chosen code, votes, samples, red flags by rule;
 * - `build { requirements, options?, wait? }` -> `{ runId }` at once, or the report with `wait: true`;
 * - `verify { spec, code }` -> passed, failedLayer, each layer's status and reason;
 * - `estimate { steps, p, targetSuccess?, ...costs }` -> k_min, expected calls, tokens, cost, wall time (MAKER §3.2);
 * - `run_status { runId }` -> the RunService's RunView;
 * - `cancel_run { runId }` -> `{ runId, cancelled: true }` (a build stays resumable), or `run_not_live`;
 * - `escalations { runId?, status? }` -> open and answered escalations with question and context;
 * - `answer_escalation { runId, escalationId, code | proposal, answeredBy? }` -> the answered escalation (the build
 *   verifies the answer, and a build paused on escalations resumes);
 * - `specify { task, language?, name?, k?, maxSamples?, seed? }` -> the spec chosen by vote over specifier contracts;
 * - `implement { target, spec?, allowDirty?, dryRun?, branch?, k?, ... }` -> the vote, the diff and the commit of one
 *   function implemented in the project's repository (`projectRoot`);
 * - `memory_search { query, k?, type?, source?, language?, namespace? }` -> the project memory's best chunks (only with
 *   `openMemory`).
 *
 * With `modelAvailable: false` (`zerr mcp` without `--model`) every tool is still listed; `solve`, `build` and
 * `answer_escalation` answer the tool error `model_required` (ModelRequiredError) without touching the engine.
 */
export function createMcpServer(options: McpServerOptions): McpServer {
  const withModel = options.modelAvailable !== false;
  const requireModel: ModelGate = (tool) => {
    if (!withModel) throw new ModelRequiredError({ tool });
  };
  const server = new McpServer(MCP_SERVER_INFO, {
    capabilities: { tools: {}, resources: {} },
    instructions:
      'Zero-Error turns task specs into verified code by sampling, red-flagging, verification and first-to-ahead-by-k voting (MAKER). Use verify to check code, solve for one function, implement to fill in or replace a function of this repository in place, build for a project (poll run_status, then read zerr://runs/{runId}/report), estimate to size a run, escalations and answer_escalation to settle what no consensus could, cancel_run to stop a run.' +
      (withModel ? '' : ` This server runs without a model: ${TOOLS_WITHOUT_MODEL.join(', ')} and the run resources work; solve, specify, implement, build and answer_escalation answer model_required.`),
  });
  registerSolveTool(server, options.engine, requireModel);
  registerSpecifyTool(server, options.engine, requireModel);
  registerImplementTool(server, options.engine, options.projectRoot ?? process.cwd(), requireModel);
  registerVerifyTool(server, options.engine);
  registerEstimateTool(server);
  registerBuildTool(server, options.service, requireModel);
  registerRunStatusTool(server, options.service);
  registerCancelRunTool(server, options.service);
  registerEscalationTools(server, options.service, requireModel);
  if (options.openMemory !== undefined) registerMemorySearchTool(server, options.openMemory);
  registerRunResources(server, { service: options.service, store: options.store });
  return server;
}
