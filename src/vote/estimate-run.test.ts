import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/index.js';
import { estimateRun } from './estimate-run.js';

/** The closed forms, written out independently of `k-min.ts`. */
const perStep = (p: number, k: number) => 1 / (1 + ((1 - p) / p) ** k);
const votes = (p: number, k: number) => {
  const rk = ((1 - p) / p) ** k;
  return (k / (2 * p - 1)) * ((1 - rk) / (1 + rk));
};

describe('estimateRun', () => {
  it("MAKER's worked number: p = 0.9978, s = 1,048,575, t = 0.95 gives k_min = 3", () => {
    const p = 0.9978;
    const steps = 1_048_575;
    const estimate = estimateRun({ steps, p, targetSuccess: 0.95 });
    expect(estimate.kMin).toBe(3);
    expect(estimate.successProbability).toBeCloseTo(perStep(p, 3) ** steps, 12);
    expect(estimate.successProbability).toBeGreaterThanOrEqual(0.95);
    expect(perStep(p, 2) ** steps).toBeLessThan(0.95);
    expect(estimate.expectedVotesPerStep).toBeCloseTo(votes(p, 3), 12);
    // MAKER's approximation k / (2p - 1) is an upper bound of the exact duration.
    expect(estimate.expectedVotesPerStep).toBeLessThanOrEqual(3 / (2 * p - 1));
    expect(estimate.expectedCalls).toBeCloseTo(steps * votes(p, 3), 3);
  });

  it('a hand-computed case: p = 0.75, s = 10, t = 0.9, v = 0.8, prices and parallelism', () => {
    // (1 / (1 + 3^-k))^10 >= 0.9 <=> 3^-k <= 0.9^(-1/10) - 1 = 0.010592 <=> k >= 4.14, so k_min = 5.
    // E = (5 / 0.5) (1 - 3^-5) / (1 + 3^-5) = 10 * 242 / 244.
    const estimate = estimateRun({
      steps: 10, p: 0.75, targetSuccess: 0.9, validRate: 0.8, inputTokensPerCall: 400, outputTokensPerCall: 200,
      usdPerMillionInputTokens: 2, usdPerMillionOutputTokens: 8, callLatencyMs: 1000, parallelism: 4,
    });
    const perStepVotes = (10 * 242) / 244;
    const calls = (10 * perStepVotes) / 0.8;
    expect(estimate.kMin).toBe(5);
    expect(estimate.expectedVotesPerStep).toBeCloseTo(perStepVotes, 12);
    expect(estimate.expectedCallsPerStep).toBeCloseTo(perStepVotes / 0.8, 12);
    expect(estimate.expectedCalls).toBeCloseTo(calls, 10);
    expect(estimate.expectedInputTokens).toBeCloseTo(calls * 400, 8);
    expect(estimate.expectedOutputTokens).toBeCloseTo(calls * 200, 8);
    expect(estimate.expectedCostUsd).toBeCloseTo((calls * 400 * 2 + calls * 200 * 8) / 1e6, 12);
    expect(estimate.expectedWallMs).toBeCloseTo((calls * 1000) / 4, 8);
    expect(estimate.successProbability).toBeCloseTo((1 / (1 + 3 ** -5)) ** 10, 12);
  });

  it('defaults: t 0.95, 400/200 tokens, free, 1 s per call, one at a time, every sample valid', () => {
    const estimate = estimateRun({ steps: 1, p: 0.9 });
    // (1 / (1 + (1/9)^k)) >= 0.95 <=> 9^-k <= 1/19 <=> k >= 1.34, so k_min = 2.
    expect(estimate.kMin).toBe(2);
    expect(estimate.expectedCallsPerStep).toBeCloseTo(votes(0.9, 2), 12);
    expect(estimate.expectedInputTokens).toBeCloseTo(estimate.expectedCalls * 400, 9);
    expect(estimate.expectedOutputTokens).toBeCloseTo(estimate.expectedCalls * 200, 9);
    expect(estimate.expectedCostUsd).toBe(0);
    expect(estimate.expectedWallMs).toBeCloseTo(estimate.expectedCalls * 1000, 9);
  });

  it('p = 1: one vote per step decides, success is certain', () => {
    expect(estimateRun({ steps: 1000, p: 1 })).toMatchObject({ kMin: 1, expectedCallsPerStep: 1, expectedCalls: 1000, successProbability: 1 });
  });

  it('bad input is an InvalidArgumentError naming the field', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ steps: 10, p: 0.5 }, 'options.p'],
      [{ steps: 10, p: 1.2 }, 'options.p'],
      [{ steps: 10 }, 'options.p'],
      [{ steps: 0, p: 0.9 }, 'options.steps'],
      [{ steps: 2.5, p: 0.9 }, 'options.steps'],
      [{ steps: 10, p: 0.9, targetSuccess: 1 }, 'options.targetSuccess'],
      [{ steps: 10, p: 0.9, parallelism: 0 }, 'options.parallelism'],
      [{ steps: 10, p: 0.9, validRate: 0 }, 'options.validRate'],
      [{ steps: 10, p: 0.9, usdPerMillionInputTokens: -1 }, 'options.usdPerMillionInputTokens'],
      [{ steps: 10, p: 0.9, callLatencyMs: Number.POSITIVE_INFINITY }, 'options.callLatencyMs'],
      [{ steps: 10, p: 0.9, tokensIn: 3 }, 'options.tokensIn'],
    ];
    for (const [options, parameter] of cases) {
      const error = (() => {
        try {
          estimateRun(options as never);
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(error, parameter).toBeInstanceOf(InvalidArgumentError);
      expect(error, parameter).toMatchObject({ code: 'invalid_argument', parameter });
    }
  });

  it('property: k_min is the smallest k reaching the target; totals scale as the formulas say', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.55, max: 0.9999, noNaN: true }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.double({ min: 0.05, max: 0.99, noNaN: true }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 64 }),
        (p, steps, targetSuccess, validRate, parallelism) => {
          const estimate = estimateRun({ steps, p, targetSuccess, validRate, parallelism, callLatencyMs: 500 });
          expect(perStep(p, estimate.kMin) ** steps).toBeGreaterThanOrEqual(targetSuccess * (1 - 1e-12));
          if (estimate.kMin > 1) expect(perStep(p, estimate.kMin - 1) ** steps).toBeLessThan(targetSuccess * (1 + 1e-12));
          expect(estimate.expectedCallsPerStep * validRate).toBeCloseTo(votes(p, estimate.kMin), 6);
          expect(estimate.expectedCalls / steps).toBeCloseTo(estimate.expectedCallsPerStep, 6);
          expect(estimate.expectedWallMs * parallelism).toBeCloseTo(estimate.expectedCalls * 500, 0);
        },
      ),
      { numRuns: 200 },
    );
  });
});
