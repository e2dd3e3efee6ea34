/**
 * @module mcp/tools/implement-tool
 * The `implement` tool: `zerr implement` for editors (decision 027). One function of the project's repository is
 * implemented in place: its spec from the signature and doc comment (or `spec`), candidates verified by the engine's
 * layers, the project's type check and the repository's tests, and the winner committed alone on a new branch. The
 * target is resolved against the server's project root, never the process's working directory.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { newRunId, type Engine, type ImplementResult } from '../../index.js';
import { parseSpecArgument, taskSpecArgument } from '../task-spec-input.js';
import { guarded, progressReporter, toolResult, type ModelGate } from '../tool-context.js';

const positiveInt = z.number().int().positive();

/** Input of `implement`. */
export const implementInputShape = {
  target: z.string().min(1).describe('<file>[#function], relative to the project root: e.g. src/strings.ts#slugify. Without #function, the file\'s only stub.'),
  spec: taskSpecArgument().optional().describe('A task spec to use instead of the doc comment; its entry point must be the function.'),
  allowDirty: z.boolean().optional().describe('Go on when tracked files have uncommitted changes (only the edited file is committed). Default false.'),
  dryRun: z.boolean().optional().describe('Choose the code and return the diff without writing or committing. Default false.'),
  branch: z.string().min(1).optional().describe('Branch to commit on. Default zerr/implement-<function>.'),
  k: positiveInt.optional().describe('First-to-ahead-by-k margin. Default 3.'),
  maxSamples: positiveInt.optional().describe('Model calls at most. Default 20.'),
  parallelism: positiveInt.optional().describe('Samples drawn at once. Default k.'),
  seed: z.number().int().optional().describe('Seed of generated inputs and sampling order. Default 42.'),
  review: z.boolean().optional().describe('The reviewer as a vote filter. Default false.'),
};

/** Registers `implement` on `server`; targets are resolved against `projectRoot`. */
export function registerImplementTool(server: McpServer, engine: Engine, projectRoot: string, requireModel: ModelGate = () => undefined): void {
  server.registerTool('implement', {
    title: 'Implement a function in the repository',
    description:
      'Implement one function of this repository in place: the spec comes from its signature and doc comment (examples become tests); candidates are sampled, red-flagged, verified (the engine\'s layers, then the project\'s own type check and the repository\'s tests of the function in the sandbox) and voted first-to-ahead-by-k; the winner is written and committed alone on a new branch. Returns the vote, the diff, the branch and the commit.',
    inputSchema: implementInputShape,
    annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: true },
  }, guarded(async (args, extra) => {
    requireModel('implement');
    const spec = args.spec === undefined ? undefined : parseSpecArgument(args.spec);
    const runId = newRunId();
    const report = progressReporter(extra);
    const unsubscribe = engine.on((event) => { if (event.runId === runId) report(event); });
    try {
      const outcome = await engine.implement({
        target: args.target, cwd: projectRoot, runId, signal: extra.signal,
        ...(spec === undefined ? {} : { spec }),
        ...(args.allowDirty === true ? { allowDirty: true } : {}),
        ...(args.dryRun === true ? { dryRun: true } : {}),
        ...(args.branch === undefined ? {} : { branch: args.branch }),
        ...(args.k === undefined ? {} : { k: args.k }),
        ...(args.maxSamples === undefined ? {} : { maxSamples: args.maxSamples }),
        ...(args.parallelism === undefined ? {} : { parallelism: args.parallelism }),
        ...(args.seed === undefined ? {} : { seed: args.seed }),
        ...(args.review === true ? { review: true } : {}),
      });
      return toolResult(implementSummary(outcome), implementText(outcome));
    } finally {
      unsubscribe();
    }
  }));
}

function implementSummary(outcome: ImplementResult): Record<string, unknown> {
  const { result, prepared } = outcome;
  return {
    runId: outcome.runId, file: prepared.target.path, function: prepared.target.symbol.name, outcome: result.outcome,
    reason: result.reason, votes: result.votes, runnerUpVotes: result.runnerUpVotes, k: result.k, samples: result.samples,
    failedByLayer: result.failedByLayer, redFlagsByRule: result.redFlagsByRule, repoTests: prepared.target.testFiles,
    testCases: prepared.spec.testCases.length, commit: outcome.commit, diff: outcome.diff, ...(outcome.notWritten === undefined ? {} : { notWritten: outcome.notWritten }),
  };
}

function implementText(outcome: ImplementResult): string {
  const { result, prepared } = outcome;
  const lines = [
    `${prepared.target.path}#${prepared.target.symbol.name}: ${result.outcome} (run ${outcome.runId}) - ${result.reason}`,
    `samples ${result.samples}, verified ${result.verified}, failed verification by layer: ${Object.entries(result.failedByLayer).map(([layer, count]) => `${layer} ${count}`).join(', ') || 'none'}`,
    outcome.commit !== null ? `committed ${outcome.commit.sha.slice(0, 12)} on branch ${outcome.commit.branch} (from ${outcome.commit.from})` : `not written${outcome.notWritten === undefined ? '' : `: ${outcome.notWritten}`}`,
  ];
  if (outcome.diff !== null) lines.push('', '```diff', outcome.diff.trimEnd(), '```');
  return lines.join('\n');
}
