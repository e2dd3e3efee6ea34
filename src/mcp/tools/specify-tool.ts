/**
 * @module mcp/tools/specify-tool
 * The `specify` tool: a task in plain words becomes a task spec by voting over specifier contracts (red-flagged by
 * the spec checks, voted first-to-ahead-by-k on their signature; `Engine.specify`, decision 024). The spec comes back
 * for the client to show, edit and pass to `solve`; the specification is recorded as a run of kind `specify`.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { newRunId, type Engine } from '../../index.js';
import { guarded, progressReporter, toolResult, type ModelGate } from '../tool-context.js';

const positiveInt = z.number().int().positive();

/** Input of `specify`. */
export const specifyInputShape = {
  task: z.string().describe('The task in plain words, e.g. "a function that returns the largest even number of a list, or null when there is none".'),
  language: z.enum(['typescript', 'python']).optional().describe('Language of the function. Default typescript.'),
  name: z.string().optional().describe('The function\'s name (an identifier). Default: the specifier chooses.'),
  k: positiveInt.optional().describe('First-to-ahead-by-k margin of the contract vote. Default 3.'),
  maxSamples: positiveInt.optional().describe('Specifier answers at most. Default 12.'),
  seed: z.number().int().optional().describe('Seed of the samples. Default 42.'),
};

/** Registers `specify` on `server`; `requireModel` answers `model_required` on a server without a model. */
export function registerSpecifyTool(server: McpServer, engine: Engine, requireModel: ModelGate = () => undefined): void {
  server.registerTool('specify', {
    title: 'Turn a task in words into a task spec',
    description:
      'Write the task spec of one function from a task in plain words: specifier contracts (signature, test cases, pre/postconditions) are red-flagged by the spec checks and voted on by signature; the winning contract, less test cases its class contradicts, is returned as a spec to check and pass to solve. Only a spec chosen by consensus should be solved unreviewed.',
    inputSchema: specifyInputShape,
    annotations: { readOnlyHint: false, openWorldHint: true },
  }, guarded(async (args, extra) => {
    requireModel('specify');
    const runId = newRunId();
    const report = progressReporter(extra);
    const unsubscribe = engine.on((event) => { if (event.runId === runId) report(event); });
    try {
      const result = await engine.specify(args.task, {
        runId, signal: extra.signal,
        ...(args.language === undefined ? {} : { language: args.language }),
        ...(args.name === undefined ? {} : { entryPoint: args.name }),
        ...(args.k === undefined ? {} : { k: args.k }),
        ...(args.maxSamples === undefined ? {} : { maxSamples: args.maxSamples }),
        ...(args.seed === undefined ? {} : { seed: args.seed }),
      });
      const structured = {
        runId, outcome: result.outcome, reason: result.reason, spec: result.spec, votes: result.votes, runnerUpVotes: result.runnerUpVotes,
        samples: result.samples, redFlagsByRule: result.redFlagsByRule, classes: result.classes.map((tally) => ({ classKey: tally.classKey, votes: tally.votes })),
        droppedTestCases: result.droppedTestCases,
      };
      const lines = [`specification: ${result.outcome} (run ${runId}) - ${result.reason}`];
      if (result.spec !== null) lines.push('', '```json', JSON.stringify(result.spec, null, 2), '```');
      return toolResult(structured, lines.join('\n'));
    } finally {
      unsubscribe();
    }
  }));
}
