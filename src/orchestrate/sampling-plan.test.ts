import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { planNextRound, type RoundPlanInput } from './sampling-plan.js';

const status = (leaderVotes: number, runnerUpVotes: number, totalVotes = leaderVotes + runnerUpVotes) => ({
  leaderVotes, runnerUpVotes, totalVotes,
});
const plan = (overrides: Partial<RoundPlanInput>): number =>
  planNextRound({ k: 3, status: status(0, 0), started: 0, maxSamples: 20, parallelism: 3, ...overrides });

describe('planNextRound', () => {
  test('the first round draws k samples', () => {
    expect(plan({ k: 3, parallelism: 8 })).toBe(3);
    expect(plan({ k: 5, parallelism: 8 })).toBe(5);
  });

  test('a round with no votes yet (all discarded) draws k again', () => {
    expect(plan({ k: 4, parallelism: 8, started: 4 })).toBe(4);
  });

  test('later rounds draw k minus the current margin', () => {
    expect(plan({ k: 3, parallelism: 8, started: 3, status: status(2, 1) })).toBe(2);
    expect(plan({ k: 3, parallelism: 8, started: 3, status: status(1, 1) })).toBe(3);
    expect(plan({ k: 3, parallelism: 8, started: 3, status: status(3, 1) })).toBe(1);
    expect(plan({ k: 5, parallelism: 8, started: 6, status: status(4, 1) })).toBe(2);
  });

  test('a contested step under adaptive k draws toward its required margin, not k', () => {
    expect(plan({ k: 3, parallelism: 8, started: 6, status: { ...status(5, 1), requiredMargin: 7 } })).toBe(3);
    expect(plan({ k: 3, parallelism: 4, started: 6, status: { ...status(5, 1), requiredMargin: 12 } })).toBe(4);
    // The split cannot tell the classes apart yet: as many as parallelism allows.
    expect(plan({ k: 3, parallelism: 3, started: 4, status: { ...status(2, 2), requiredMargin: Number.POSITIVE_INFINITY } })).toBe(3);
  });

  test('draws at least one sample even when the margin already reaches k', () => {
    expect(plan({ k: 2, parallelism: 8, started: 3, status: status(3, 0) })).toBe(1);
  });

  test('is clamped by parallelism and by the remaining budget', () => {
    expect(plan({ k: 6, parallelism: 2 })).toBe(2);
    expect(plan({ k: 3, parallelism: 8, started: 19, maxSamples: 20 })).toBe(1);
    expect(plan({ k: 5, parallelism: 8, started: 3, maxSamples: 5, status: status(1, 1) })).toBe(2);
  });

  test('returns 0 once the budget is spent', () => {
    expect(plan({ started: 20, maxSamples: 20 })).toBe(0);
    expect(plan({ started: 25, maxSamples: 20 })).toBe(0);
  });

  test('property: never more than the remaining budget or parallelism, never 0 while budget remains', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 16 }),
        (k, a, b, started, maxSamples, parallelism) => {
          const leaderVotes = Math.max(a, b);
          const runnerUpVotes = Math.min(a, b);
          const size = planNextRound({ k, status: status(leaderVotes, runnerUpVotes), started, maxSamples, parallelism });
          const remaining = maxSamples - started;
          expect(Number.isInteger(size)).toBe(true);
          if (remaining <= 0) {
            expect(size).toBe(0);
          } else {
            expect(size).toBeGreaterThanOrEqual(1);
            expect(size).toBeLessThanOrEqual(remaining);
            expect(size).toBeLessThanOrEqual(parallelism);
            // Never more than the votes still needed for the leader to get k ahead (k on the first round).
            expect(size).toBeLessThanOrEqual(leaderVotes + runnerUpVotes === 0 ? k : Math.max(1, k - (leaderVotes - runnerUpVotes)));
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
