/**
 * @module cli/commands/mcp
 * `zerr mcp [--model <uri>]`: the Zero-Error MCP server (tools solve, build, verify, estimate, run_status,
 * cancel_run, escalations, answer_escalation; run resources). Over stdio by default: stdout carries nothing but the
 * protocol, logs go to stderr; the server stops when stdin closes or on SIGINT/SIGTERM. With `--http <port>`,
 * streamable HTTP on http://127.0.0.1:<port>/mcp. Without a model (no `--model`, no ZERR_MODEL) it serves `verify`,
 * `estimate`, `run_status`, `cancel_run`, `escalations` and the resources; `solve`, `build` and `answer_escalation`
 * then answer the tool error `model_required`. Live builds pause cleanly on shutdown (resumable). Exit 0 on a clean
 * stop, 3 bad input, 4 model unavailable, 5 no sandbox.
 */
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { chosenModel } from '../cli-config.js';
import { openEngine, openMemory } from '../cli-context.js';
import { loadEngineApi } from '../engine-api.js';
import { ExitCode } from '../exit-codes.js';
import { integer } from '../option-parsers.js';
import { modelCallOptionsOf, withModelCallOptions, type ModelCallFlags } from '../model-call-options.js';

interface McpCommandOptions extends ModelCallFlags {
  model?: string;
  store?: string;
  outRoot?: string;
  http?: number;
  waitForEscalations: number;
  dataDir?: string;
  pythonTypes: boolean;
  unsafeNoSandbox?: boolean;
}

/** Parser for `--http <port>`: 0..65535 (0 picks a free port, printed on stderr). */
function port(value: string): number {
  const parsed = integer('--http')(value);
  if (parsed < 0 || parsed > 65535) throw new Error(`--http must be a port 0..65535, got ${value}`);
  return parsed;
}

/** Registers `mcp` on `program`. */
export function registerMcpCommand(program: Command, setExit: (code: number) => void): void {
  withModelCallOptions(program
    .command('mcp')
    .description('Run the MCP server (tools verify, solve, build, estimate, run_status, ...; resources zerr://runs/...) over stdio, or streamable HTTP with --http; without --model it serves verify and the tools that need no model')
    .option('-m, --model <uri>', 'model URI for solve, specify, build and answer_escalation (env ZERR_MODEL); without one those tools answer model_required')
    .option('--store <file>', 'run store (SQLite) path (env ZERR_STORE); default runs.sqlite in .zerr/ of the project the command starts in (the folder with zerr.config.yaml or .git), else in ~/.local/share/zerr')
    .option('--out-root <dir>', 'folder under which each build gets <run-id>/; default builds/ beside the default store')
    .option('--http <port>', 'serve streamable HTTP on 127.0.0.1:<port>/mcp instead of stdio', port)
    .option('--wait-for-escalations <ms>', 'when only escalations block a build, wait this long for answers before pausing', integer('--wait-for-escalations'), 0)
    .option('--data-dir <dir>', 'folder holding bench/ and recorded/ (default ../shared, env ZERR_DATA_DIR)')
    .option('--no-python-types', 'skip pyright type checking of Python candidates')
    .option('--unsafe-no-sandbox', 'run generated code WITHOUT isolation when bubblewrap is unavailable (dangerous)'))
    .action(async (options: McpCommandOptions) => {
      const model = await chosenModel(options.model);
      const { engine, store } = await openEngine({
        model, command: 'mcp', unsafeNoSandbox: options.unsafeNoSandbox === true, pythonTypes: options.pythonTypes,
        ...(options.store === undefined ? {} : { store: options.store }),
        ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }), ...modelCallOptionsOf(options),
        archetypes: ['specifier', 'decomposer', 'reviewer'],
      });
      const log = (message: string): void => { process.stderr.write(`zerr mcp: ${message}\n`); };
      // The MCP edge and its SDK load only for this command.
      const { createRunService } = await loadEngineApi();
      const { createMcpServer, serveMcpHttp, TOOLS_WITHOUT_MODEL } = await import('../../mcp/index.js');
      const modelAvailable = model !== undefined;
      const serving = modelAvailable
        ? `model ${model}`
        : `no model: ${TOOLS_WITHOUT_MODEL.join(', ')} and the run resources; solve, specify, implement, build and answer_escalation answer model_required (pass --model <uri> for them)`;
      const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js');
      const { stateFolder, findProjectRoot } = await import('../../store/index.js');
      const projectRoot = findProjectRoot(process.cwd()) ?? process.cwd();
      const outRoot = options.outRoot === undefined ? join(stateFolder(process.cwd()), 'builds') : resolve(options.outRoot);
      const service = createRunService({ engine, store, outRoot, escalationWaitMs: options.waitForEscalations });
      const stopped = new Promise<string>((done) => {
        process.once('SIGINT', () => { done('SIGINT'); });
        process.once('SIGTERM', () => { done('SIGTERM'); });
        if (options.http === undefined) {
          process.stdin.once('end', () => { done('stdin closed'); });
          process.stdin.once('close', () => { done('stdin closed'); });
        }
      });
      try {
        if (options.http === undefined) {
          const server = createMcpServer({ engine, service, store, modelAvailable, projectRoot, openMemory: () => openMemory() });
          const transport = new StdioServerTransport();
          transport.onerror = (error) => { log(`transport error: ${error.message}`); };
          await server.connect(transport);
          log(`serving over stdio (${serving})`);
          log(`stopping: ${await stopped}`);
          await server.close();
        } else {
          const endpoint = await serveMcpHttp({
            port: options.http, createServer: () => createMcpServer({ engine, service, store, modelAvailable, projectRoot, openMemory: () => openMemory() }),
            onError: (error) => { log(`http error: ${error instanceof Error ? error.message : String(error)}`); },
          });
          log(`serving streamable HTTP on ${endpoint.url} (${serving})`);
          log(`stopping: ${await stopped}`);
          await endpoint.close();
        }
        setExit(ExitCode.ok);
      } finally {
        try {
          await service.close();
        } finally {
          await engine.close();
        }
      }
    });
}
