/**
 * @module mcp/tools/estimate-tool
 * The `estimate` tool: k_min and the expected calls, tokens, cost and wall time of a run before it starts, from
 * `estimateRun` (MAKER, Meyerson et al. 2025, arXiv 2511.09030, §3.2 and Appendix B). Ranges are checked by
 * `estimateRun`, which names the offending field (`invalid_argument`).
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { estimateRun, type EstimateRunOptions } from '../../index.js';
import { guarded, round, toolResult } from '../tool-context.js';

/** Input of `estimate`: the fields of `EstimateRunOptions`. */
export const estimateInputShape = {
  steps: z.number().describe('Number of steps s (atomic tasks, one vote each), integer >= 1.'),
  p: z.number().describe('Per-step success rate: probability that a verified sample is in the correct class, in (0.5, 1].'),
  targetSuccess: z.number().optional().describe('Target probability that every step is decided correctly, in (0, 1). Default 0.95.'),
  inputTokensPerCall: z.number().optional().describe('Prompt tokens of one model call. Default 400.'),
  outputTokensPerCall: z.number().optional().describe('Completion tokens of one model call. Default 200.'),
  usdPerMillionInputTokens: z.number().optional().describe('USD per million prompt tokens. Default 0.'),
  usdPerMillionOutputTokens: z.number().optional().describe('USD per million completion tokens. Default 0.'),
  callLatencyMs: z.number().optional().describe('Wall time of one model call in ms. Default 1000.'),
  parallelism: z.number().optional().describe('Model calls in flight at once, integer >= 1. Default 1.'),
  validRate: z.number().optional().describe('Share of samples that survive red-flagging and verification, in (0, 1]. Default 1.'),
};

/** Registers `estimate` on `server`. */
export function registerEstimateTool(server: McpServer): void {
  server.registerTool('estimate', {
    title: 'Estimate a run (MAKER k_min)',
    description:
      'Estimate a run before it starts (MAKER §3.2, App. B): the smallest vote margin k_min that reaches the target success probability over s steps at per-step success rate p, and the expected model calls, tokens, cost and wall time.',
    inputSchema: estimateInputShape,
    annotations: { readOnlyHint: true, openWorldHint: false, idempotentHint: true },
  }, guarded(async (args) => {
    const options = Object.fromEntries(Object.entries(args).filter(([, value]) => value !== undefined)) as unknown as EstimateRunOptions;
    const estimate = estimateRun(options);
    const text = [
      `k_min ${estimate.kMin} for ${args.steps} step(s) at p = ${args.p} (success probability ${round(estimate.successProbability, 6)})`,
      `expected calls ${Math.round(estimate.expectedCalls)} (${round(estimate.expectedCallsPerStep)} per step), tokens in/out ${Math.round(estimate.expectedInputTokens)}/${Math.round(estimate.expectedOutputTokens)}, cost $${estimate.expectedCostUsd.toFixed(2)}, wall ${Math.round(estimate.expectedWallMs)} ms`,
    ].join('\n');
    return toolResult({ ...estimate }, text);
  }));
}
