/**
 * @module vote/estimate-run
 * What a run will take before it starts: k_min for a target success probability, and the expected model calls,
 * tokens, cost and wall time of first-to-ahead-by-k voting over s steps. MAKER (Meyerson et al. 2025,
 * arXiv 2511.09030) §3.2 and Appendix B, with m = 1 step per agent; the closed forms live in `k-min.ts`.
 */
import { z } from 'zod';
import { parseOptions } from '../errors/parse-options.js';
import { expectedVotesPerStep, fullTaskSuccess, kMin } from './k-min.js';

const nonNegative = z.number().finite('a finite number >= 0').min(0, 'a finite number >= 0');

const EstimateRunSchema = z
  .object({
    steps: z.number().int('an integer >= 1').min(1, 'an integer >= 1'),
    p: z.number().gt(0.5, 'a number in (0.5, 1]').lte(1, 'a number in (0.5, 1]'),
    targetSuccess: z.number().gt(0, 'a number in (0, 1)').lt(1, 'a number in (0, 1)').default(0.95),
    inputTokensPerCall: nonNegative.default(400),
    outputTokensPerCall: nonNegative.default(200),
    usdPerMillionInputTokens: nonNegative.default(0),
    usdPerMillionOutputTokens: nonNegative.default(0),
    callLatencyMs: nonNegative.default(1000),
    parallelism: z.number().int('an integer >= 1').min(1, 'an integer >= 1').default(1),
    validRate: z.number().gt(0, 'a number in (0, 1]').lte(1, 'a number in (0, 1]').default(1),
  })
  .strict();

/** Options of {@link estimateRun}; see the field docs for units and defaults. */
export interface EstimateRunOptions {
  /** Number of steps s (atomic tasks, one vote each), integer >= 1. */
  readonly steps: number;
  /** Per-step success rate p: probability that a valid (verified) sample is in the correct class, in (0.5, 1]. */
  readonly p: number;
  /** Target probability t that every step is decided correctly, in (0, 1). Default 0.95. */
  readonly targetSuccess?: number;
  /** Prompt tokens of one model call, >= 0. Default 400. */
  readonly inputTokensPerCall?: number;
  /** Completion tokens of one model call, >= 0. Default 200. */
  readonly outputTokensPerCall?: number;
  /** Price in USD per million prompt tokens, >= 0. Default 0 (a local model). */
  readonly usdPerMillionInputTokens?: number;
  /** Price in USD per million completion tokens, >= 0. Default 0. */
  readonly usdPerMillionOutputTokens?: number;
  /** Wall time of one model call in ms, >= 0. Default 1000. */
  readonly callLatencyMs?: number;
  /** Model calls in flight at once, integer >= 1. Default 1. */
  readonly parallelism?: number;
  /** Share v of samples that survive red-flagging (and verification), in (0, 1]. Default 1. */
  readonly validRate?: number;
}

/** Expected totals of a run, from {@link estimateRun}. */
export interface RunEstimate {
  /** Smallest k with per-step success^s >= target (MAKER §3.2). */
  readonly kMin: number;
  /** Expected valid votes per step with k_min (gambler's-ruin duration). */
  readonly expectedVotesPerStep: number;
  /** Expected model calls per step: expectedVotesPerStep / validRate. */
  readonly expectedCallsPerStep: number;
  /** Expected model calls of the run: s x expectedCallsPerStep. */
  readonly expectedCalls: number;
  readonly expectedInputTokens: number;
  readonly expectedOutputTokens: number;
  /** Expected cost in USD: input tokens x price in + output tokens x price out (prices per million). */
  readonly expectedCostUsd: number;
  /** Expected wall time in ms: calls x callLatencyMs / parallelism (every slot kept busy). */
  readonly expectedWallMs: number;
  /** Probability that every step is decided correctly with k_min: (1 / (1 + ((1 - p) / p)^k))^s. */
  readonly successProbability: number;
}

/**
 * Estimates a run of `steps` steps at per-step success rate `p` (MAKER, Meyerson et al. 2025, arXiv 2511.09030,
 * §3.2 and Appendix B, m = 1), in the two-candidate worst case where every wrong vote goes to one wrong class:
 *
 * - k_min = max(1, ceil(ln(t^(-1/s) - 1) / ln((1 - p) / p))), checked against (1 / (1 + r^k))^s >= t, r = (1 - p) / p;
 * - expected valid votes per step E = (k / (2p - 1)) (1 - r^k) / (1 + r^k) (gambler's-ruin duration; MAKER
 *   approximates it by k / (2p - 1)), so expected calls per step = E / v with v = `validRate`;
 * - calls = s E / v; tokens = calls x tokens per call; cost = (in tokens x usd in + out tokens x usd out) / 10^6
 *   (MAKER's E[cost] = c s k_min / (v (2p - 1)), with the exact E in place of its approximation);
 * - wall time = calls x callLatencyMs / parallelism, an idealised figure: every slot busy all the time. A real run
 *   is slower where steps wait on each other (MAKER's steps run one after another; only a step's votes overlap).
 *
 * Worked example: p = 0.9978, s = 1,048,575 (Towers of Hanoi, 20 disks), t = 0.95 gives k_min = 3.
 *
 * @throws InvalidArgumentError (`invalid_argument`) naming the field (`options.p`, `options.steps`, ...) that is
 *   missing or out of range, or an unknown key.
 */
export function estimateRun(options: EstimateRunOptions): RunEstimate {
  const input = parseOptions(EstimateRunSchema, options);
  const k = kMin({ p: input.p, steps: input.steps, target: input.targetSuccess });
  const votesPerStep = expectedVotesPerStep({ p: input.p, k });
  const callsPerStep = votesPerStep / input.validRate;
  const calls = callsPerStep * input.steps;
  const inputTokens = calls * input.inputTokensPerCall;
  const outputTokens = calls * input.outputTokensPerCall;
  return {
    kMin: k,
    expectedVotesPerStep: votesPerStep,
    expectedCallsPerStep: callsPerStep,
    expectedCalls: calls,
    expectedInputTokens: inputTokens,
    expectedOutputTokens: outputTokens,
    expectedCostUsd: (inputTokens * input.usdPerMillionInputTokens + outputTokens * input.usdPerMillionOutputTokens) / 1_000_000,
    expectedWallMs: (calls * input.callLatencyMs) / input.parallelism,
    successProbability: fullTaskSuccess({ p: input.p, k, steps: input.steps }),
  };
}
