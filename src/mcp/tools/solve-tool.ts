/**
 * @module mcp/tools/solve-tool
 * The `solve` tool: one task spec through the solve loop (sampling, red-flagging, verification, first-to-ahead-by-k
 * voting, MAKER Algorithm 2), waiting for the decision. The run is recorded in the store like `zerr solve`'s.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { newRunId, type Engine, type SolveTaskResult } from '../../index.js';
import { parseSpecArgument, taskSpecArgument } from '../task-spec-input.js';
import { guarded, progressReporter, toolResult, type ModelGate } from '../tool-context.js';

const positiveInt = z.number().int().positive();

/** Input of `solve`. */
export const solveInputShape = {
  spec: taskSpecArgument().describe('The task spec (Zero-Error task-spec schema): id, name, description, language, signature, tests, limits.'),
  k: positiveInt.optional().describe('First-to-ahead-by-k margin: a class wins once it leads every other by k votes. Default 3.'),
  maxSamples: positiveInt.optional().describe('Model calls at most before falling back. Default 20.'),
  parallelism: positiveInt.optional().describe('Samples drawn at once. Default the engine\'s.'),
  seed: z.number().int().optional().describe('Seed of generated inputs and sampling order. Default 42.'),
  vote: z.enum(['first-to-ahead-by-k', 'adaptive']).optional().describe('Vote rule. "adaptive" raises the margin of a contested vote to what its split calls for against the error target. Default first-to-ahead-by-k.'),
  target: z.number().gt(0).lt(1).optional().describe('With vote "adaptive": probability that the decision is right, in (0, 1). Default 0.95.'),
  review: z.boolean().optional().describe('The reviewer as a vote filter: the class about to be chosen is reviewed against the task; a rejection by consensus takes it out of the vote. Default false.'),
};

/** Registers `solve` on `server`; `requireModel` answers `model_required` on a server without a model. */
export function registerSolveTool(server: McpServer, engine: Engine, requireModel: ModelGate = () => undefined): void {
  server.registerTool('solve', {
    title: 'Solve a task spec',
    description:
      'Solve one task spec with MAKER-style voting: samples are red-flagged, verified (syntax, types, contracts, unit tests, properties) and grouped into equivalence classes by behaviour; the first class k votes ahead wins. Waits for the decision and returns the outcome, the chosen code, votes, samples and red flags by rule.',
    inputSchema: solveInputShape,
    annotations: { readOnlyHint: false, openWorldHint: true },
  }, guarded(async (args, extra) => {
    requireModel('solve');
    const spec = parseSpecArgument(args.spec);
    const runId = newRunId();
    const report = progressReporter(extra);
    const unsubscribe = engine.on((event) => { if (event.runId === runId) report(event); });
    try {
      const { results } = await engine.run([spec], {
        runId, kind: 'solve', signal: extra.signal,
        ...(args.k === undefined ? {} : { k: args.k }),
        ...(args.maxSamples === undefined ? {} : { maxSamples: args.maxSamples }),
        ...(args.parallelism === undefined ? {} : { parallelism: args.parallelism }),
        ...(args.seed === undefined ? {} : { seed: args.seed }),
        ...(args.vote === 'adaptive' ? { adaptiveK: args.target === undefined ? {} : { target: args.target } } : {}),
        ...(args.review === true ? { review: true } : {}),
      });
      const result = results[0] as SolveTaskResult;
      return toolResult({ runId, ...solveSummary(result) }, solveText(runId, result, spec.language));
    } finally {
      unsubscribe();
    }
  }));
}

/** The decision as structured content. */
function solveSummary(result: SolveTaskResult): Record<string, unknown> {
  return {
    taskId: result.taskId, outcome: result.outcome, code: result.code, votes: result.votes, runnerUpVotes: result.runnerUpVotes,
    k: result.k, samples: result.samples, verified: result.verified, redFlagged: result.redFlagged,
    redFlagsByRule: result.redFlagsByRule, failedVerification: result.failedVerification, failedByLayer: result.failedByLayer,
    classes: result.classes.map((tally) => ({ classKey: tally.classKey, votes: tally.votes })),
    inputTokens: result.inputTokens, outputTokens: result.outputTokens, costUsd: result.costUsd, durationMs: result.durationMs,
    reason: result.reason,
    ...(result.reviews === undefined ? {} : { reviews: result.reviews.map((review) => ({ classKey: review.classKey, verdict: review.verdict, reasons: review.reasons })) }),
  };
}

function solveText(runId: string, result: SolveTaskResult, language: string): string {
  const counts = (record: Readonly<Record<string, number>>): string =>
    Object.entries(record).map(([name, count]) => `${name} ${count}`).join(', ') || 'none';
  const lines = [
    `${result.taskId}: ${result.outcome} (run ${runId}) - ${result.reason}`,
    `votes ${result.votes} (runner-up ${result.runnerUpVotes}, k ${result.k}); ${result.samples} samples, ${result.verified} verified, ${result.redFlagged} red-flagged, ${result.failedVerification} failed verification`,
    `red flags by rule: ${counts(result.redFlagsByRule)}; failed by layer: ${counts(result.failedByLayer)}`,
  ];
  if (result.code !== null) lines.push('', `\`\`\`${language}`, result.code.trimEnd(), '```');
  return lines.join('\n');
}
