/**
 * @module vote/k-min
 * The scaling law of first-to-ahead-by-k voting: per-step success, the smallest k that reaches a target
 * full-task success probability (k_min), the expected number of votes per step and the expected cost of a run.
 * MAKER (Meyerson et al. 2025, arXiv 2511.09030) §3.2 and Appendix B, with m = 1 step per agent.
 *
 * Derivation (worst case: every wrong vote goes to one single wrong class, so the vote is a two-player race).
 * Let p be the probability that a valid vote is for the correct class, q = 1 - p, r = q / p, and D the number of
 * correct votes minus wrong votes. D is a simple random walk that starts at 0 and stops at +k (correct decision)
 * or -k (wrong decision): the gambler's ruin on [0, 2k] started at k. With P_i the probability of reaching 2k
 * before 0 from i, P_i = (1 - r^i) / (1 - r^(2k)), so P_k = 1 / (1 + r^k). The expected duration from i is
 * D_i = i / (q - p) - (2k / (q - p)) P_i, which at i = k simplifies to (k / (2p - 1)) (1 - r^k) / (1 + r^k).
 * A task of s independent steps succeeds with probability P_k^s; solving P_k^s >= t for k gives
 * k >= ln(t^(-1/s) - 1) / ln(r), so k_min = max(1, ceil(ln(t^(-1/s) - 1) / ln((1 - p) / p))).
 */
import { z } from 'zod';
import { parseOptions } from '../errors/parse-options.js';

const p = z.number().gt(0.5, 'a number in (0.5, 1]').lte(1, 'a number in (0.5, 1]');
const k = z.number().int('an integer >= 1').min(1, 'an integer >= 1');
const steps = z.number().int('an integer >= 1').min(1, 'an integer >= 1');
const target = z.number().gt(0, 'a number in (0, 1)').lt(1, 'a number in (0, 1)');
const nonNegative = z.number().min(0, 'a finite number >= 0').finite('a finite number >= 0');

/**
 * Per-step success probability of first-to-ahead-by-k voting: 1 / (1 + ((1 - p) / p)^k) (gambler's ruin,
 * two-candidate worst case; MAKER §3.2). Equals 1 when p = 1.
 * @param options.p probability that a valid vote is for the correct answer, in (0.5, 1].
 * @param options.k required lead, integer >= 1.
 * @throws InvalidArgumentError (`invalid_argument`, parameter `options.p` / `options.k`).
 */
export function perStepSuccess(options: { readonly p: number; readonly k: number }): number {
  const input = parseOptions(z.object({ p, k }).strict(), options);
  return 1 / (1 + ((1 - input.p) / input.p) ** input.k);
}

/**
 * Full-task success probability with s independent steps: perStepSuccess(p, k)^s.
 * @throws InvalidArgumentError (`invalid_argument`) as {@link perStepSuccess}, and for `steps` not an integer >= 1.
 */
export function fullTaskSuccess(options: { readonly p: number; readonly k: number; readonly steps: number }): number {
  const input = parseOptions(z.object({ p, k, steps }).strict(), options);
  return perStepSuccess({ p: input.p, k: input.k }) ** input.steps;
}

/**
 * The smallest k with perStepSuccess(p, k)^steps >= target: k_min = ceil(ln(t^(-1/s) - 1) / ln((1 - p) / p)),
 * at least 1 (MAKER §3.2, Appendix B, m = 1). `t^(-1/s) - 1` is computed as `expm1(-ln(t) / s)` so that it stays
 * exact for millions of steps; the result is then checked against the defining inequality and moved by one
 * where floating-point rounding put the ceiling on the wrong side.
 *
 * Worked number: p = 0.9978 (MAKER's gpt-4.1-mini per-step error rate of about 0.22%), s = 1,048,575
 * (Towers of Hanoi with 20 disks), t = 0.95 gives ln(4.892e-8) / ln(2.2048e-3) = -16.833 / -6.117 = 2.75,
 * so k_min = 3.
 *
 * @param options.p probability that a valid vote is correct, in (0.5, 1].
 * @param options.steps number of steps s (one agent call per step), integer >= 1.
 * @param options.target target probability t that every step is decided correctly, in (0, 1).
 * @throws InvalidArgumentError (`invalid_argument`, parameter `options.p` / `options.steps` / `options.target`).
 */
export function kMin(options: { readonly p: number; readonly steps: number; readonly target: number }): number {
  const input = parseOptions(z.object({ p, steps, target }).strict(), options);
  if (input.p === 1) return 1;
  const reaches = (candidate: number): boolean => fullTaskSuccess({ p: input.p, k: candidate, steps: input.steps }) >= input.target;
  const closedForm = Math.log(Math.expm1(-Math.log(input.target) / input.steps)) / Math.log((1 - input.p) / input.p);
  let result = Math.max(1, Math.ceil(closedForm));
  while (!reaches(result)) result += 1;
  while (result > 1 && reaches(result - 1)) result -= 1;
  return result;
}

/**
 * Expected number of valid votes until one class is k ahead, in the two-candidate worst case: the expected
 * duration of the gambler's ruin walk to +-k, E = (k / (2p - 1)) (1 - r^k) / (1 + r^k) with r = (1 - p) / p
 * (MAKER §3.2, Appendix B). Equals k when p = 1. Always <= k / (2p - 1), MAKER's approximation.
 * @throws InvalidArgumentError (`invalid_argument`, parameter `options.p` / `options.k`).
 */
export function expectedVotesPerStep(options: { readonly p: number; readonly k: number }): number {
  const input = parseOptions(z.object({ p, k }).strict(), options);
  const rk = ((1 - input.p) / input.p) ** input.k;
  return (input.k / (2 * input.p - 1)) * ((1 - rk) / (1 + rk));
}

/** Options of {@link expectedCost}: `k`, or `target` to use k_min. */
export type ExpectedCostOptions = {
  readonly p: number;
  readonly steps: number;
  /** Share of samples that are not red-flagged, in (0, 1]. Default 1. */
  readonly validRate?: number;
  /** Cost of one model call in USD, >= 0. */
  readonly costPerCallUsd: number;
  /** Tokens (input + output) of one model call, >= 0. */
  readonly tokensPerCall: number;
} & ({ readonly k: number; readonly target?: never } | { readonly target: number; readonly k?: never });

/** Expected totals of a run. */
export interface ExpectedCost {
  /** The k used (given, or k_min for the target). */
  readonly k: number;
  /** Expected valid votes per step ({@link expectedVotesPerStep}). */
  readonly votesPerStep: number;
  /** Expected model calls per step: votesPerStep / validRate. */
  readonly callsPerStep: number;
  /** Expected model calls of the whole task: steps x callsPerStep. */
  readonly calls: number;
  /** Expected tokens: calls x tokensPerCall. */
  readonly tokens: number;
  /** Expected cost in USD: calls x costPerCallUsd. */
  readonly costUsd: number;
  /** Probability that every step is decided correctly with this k. */
  readonly successProbability: number;
}

const CostSchema = z
  .object({
    p,
    steps,
    k: k.optional(),
    target: target.optional(),
    validRate: z.number().gt(0, 'a number in (0, 1]').lte(1, 'a number in (0, 1]').default(1),
    costPerCallUsd: nonNegative,
    tokensPerCall: nonNegative,
  })
  .strict()
  .refine((value) => (value.k === undefined) !== (value.target === undefined), { message: 'exactly one of k or target', path: ['k'] });

/**
 * Expected calls, tokens and cost of a run with s steps, following MAKER's cost expression (§3.2, Appendix B):
 * E[cost] = c * s * E[votes per step] / v, where v is the valid (not red-flagged) rate - each valid vote costs
 * 1 / v calls on average. MAKER approximates E[votes per step] by k_min / (2p - 1); this uses the exact
 * gambler's-ruin duration, which is slightly smaller.
 * @throws InvalidArgumentError (`invalid_argument`) for any field out of range, or when neither or both of
 *   `k` and `target` are given (parameter `options.k`).
 */
export function expectedCost(options: ExpectedCostOptions): ExpectedCost {
  const input = parseOptions(CostSchema, options);
  const chosenK = input.k ?? kMin({ p: input.p, steps: input.steps, target: input.target ?? 0 });
  const votesPerStep = expectedVotesPerStep({ p: input.p, k: chosenK });
  const callsPerStep = votesPerStep / input.validRate;
  const calls = callsPerStep * input.steps;
  return {
    k: chosenK,
    votesPerStep,
    callsPerStep,
    calls,
    tokens: calls * input.tokensPerCall,
    costUsd: calls * input.costPerCallUsd,
    successProbability: fullTaskSuccess({ p: input.p, k: chosenK, steps: input.steps }),
  };
}
