import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/index.js';
import { expectedCost, expectedVotesPerStep, fullTaskSuccess, kMin, perStepSuccess } from './k-min.js';

const pArb = fc.double({ min: 0.51, max: 0.99999, noNaN: true });
const stepsArb = fc.integer({ min: 1, max: 5_000_000 });
const targetArb = fc.double({ min: 0.01, max: 0.999, noNaN: true });

/** Simulates the two-class race exactly by dynamic programming over the lead D in (-k, k). */
function exactRace(p: number, k: number): { success: number; duration: number } {
  // Solve the linear system for the absorbing walk by iteration to convergence.
  let success = new Array<number>(2 * k + 1).fill(0);
  let duration = new Array<number>(2 * k + 1).fill(0);
  for (let iteration = 0; iteration < 20_000; iteration += 1) {
    const nextS = success.map((_, i) => (i === 0 ? 0 : i === 2 * k ? 1 : p * (success[i + 1] ?? 0) + (1 - p) * (success[i - 1] ?? 0)));
    const nextD = duration.map((_, i) => (i === 0 || i === 2 * k ? 0 : 1 + p * (duration[i + 1] ?? 0) + (1 - p) * (duration[i - 1] ?? 0)));
    success = nextS;
    duration = nextD;
  }
  return { success: success[k] ?? Number.NaN, duration: duration[k] ?? Number.NaN };
}

describe('perStepSuccess and expectedVotesPerStep', () => {
  it('match the gambler\'s ruin computed numerically', () => {
    for (const [p, k] of [
      [0.6, 1],
      [0.6, 3],
      [0.75, 2],
      [0.9, 4],
    ] as const) {
      const exact = exactRace(p, k);
      expect(perStepSuccess({ p, k })).toBeCloseTo(exact.success, 9);
      expect(expectedVotesPerStep({ p, k })).toBeCloseTo(exact.duration, 6);
    }
  });

  it('are exact at p = 1 and k = 1', () => {
    expect(perStepSuccess({ p: 1, k: 5 })).toBe(1);
    expect(expectedVotesPerStep({ p: 1, k: 5 })).toBe(5);
    expect(perStepSuccess({ p: 0.7, k: 1 })).toBeCloseTo(0.7, 12);
    expect(expectedVotesPerStep({ p: 0.7, k: 1 })).toBeCloseTo(1, 12);
  });

  it('property: expected votes lie in [k, k / (2p - 1)]', () => {
    fc.assert(
      fc.property(pArb, fc.integer({ min: 1, max: 30 }), (p, k) => {
        const votes = expectedVotesPerStep({ p, k });
        expect(votes).toBeGreaterThanOrEqual(k - 1e-9);
        expect(votes).toBeLessThanOrEqual(k / (2 * p - 1) + 1e-9);
      }),
    );
  });
});

describe('kMin', () => {
  it('gives the worked numbers', () => {
    // MAKER's gpt-4.1-mini setting: 20-disk Towers of Hanoi, 2^20 - 1 steps.
    expect(kMin({ p: 0.9978, steps: 1_048_575, target: 0.95 })).toBe(3);
    expect(fullTaskSuccess({ p: 0.9978, k: 3, steps: 1_048_575 })).toBeCloseTo(0.98882, 4);
    expect(fullTaskSuccess({ p: 0.9978, k: 2, steps: 1_048_575 })).toBeCloseTo(0.00611, 4);
    expect(expectedVotesPerStep({ p: 0.9978, k: 3 })).toBeCloseTo(3.01326, 4);
    expect(kMin({ p: 0.9978, steps: 1_048_575, target: 0.99 })).toBe(4);
    expect(kMin({ p: 0.9, steps: 1_048_575, target: 0.95 })).toBe(8);
    expect(kMin({ p: 0.6, steps: 1_048_575, target: 0.95 })).toBe(42);
    expect(kMin({ p: 0.9, steps: 1, target: 0.5 })).toBe(1);
    expect(kMin({ p: 1, steps: 1_000_000, target: 0.999 })).toBe(1);
  });

  it('property: kMin is the smallest k that reaches the target (closed form)', () => {
    fc.assert(
      fc.property(pArb, stepsArb, targetArb, (p, steps, target) => {
        const k = kMin({ p, steps, target });
        expect(Number.isInteger(k) && k >= 1).toBe(true);
        expect(perStepSuccess({ p, k }) ** steps).toBeGreaterThanOrEqual(target);
        if (k > 1) expect(perStepSuccess({ p, k: k - 1 }) ** steps).toBeLessThan(target);
        const closed = Math.log(target ** (-1 / steps) - 1) / Math.log((1 - p) / p);
        expect(Math.abs(k - Math.max(1, Math.ceil(closed)))).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('property: non-decreasing in steps and non-increasing in p', () => {
    fc.assert(
      fc.property(pArb, pArb, stepsArb, stepsArb, targetArb, (p1, p2, s1, s2, target) => {
        const [pLow, pHigh] = p1 <= p2 ? [p1, p2] : [p2, p1];
        const [sLow, sHigh] = s1 <= s2 ? [s1, s2] : [s2, s1];
        expect(kMin({ p: pLow, steps: sLow, target })).toBeLessThanOrEqual(kMin({ p: pLow, steps: sHigh, target }));
        expect(kMin({ p: pHigh, steps: sLow, target })).toBeLessThanOrEqual(kMin({ p: pLow, steps: sLow, target }));
      }),
    );
  });

  it('validates its inputs with InvalidArgumentError', () => {
    const cases: [Record<string, number>, string][] = [
      [{ p: 0.5, steps: 10, target: 0.9 }, 'options.p'],
      [{ p: 1.1, steps: 10, target: 0.9 }, 'options.p'],
      [{ p: 0.9, steps: 0, target: 0.9 }, 'options.steps'],
      [{ p: 0.9, steps: 2.5, target: 0.9 }, 'options.steps'],
      [{ p: 0.9, steps: 10, target: 1 }, 'options.target'],
      [{ p: 0.9, steps: 10, target: 0 }, 'options.target'],
    ];
    for (const [options, parameter] of cases) {
      try {
        kMin(options as { p: number; steps: number; target: number });
        expect.unreachable(`accepted ${JSON.stringify(options)}`);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidArgumentError);
        expect((error as InvalidArgumentError).parameter).toBe(parameter);
      }
    }
    expect(() => perStepSuccess({ p: 0.9, k: 0 })).toThrow(InvalidArgumentError);
  });
});

describe('expectedCost', () => {
  it('follows c * s * E[votes] / v', () => {
    const cost = expectedCost({ p: 0.9978, steps: 1_048_575, target: 0.95, validRate: 0.8, costPerCallUsd: 0.001, tokensPerCall: 700 });
    const votes = expectedVotesPerStep({ p: 0.9978, k: 3 });
    expect(cost.k).toBe(3);
    expect(cost.callsPerStep).toBeCloseTo(votes / 0.8, 12);
    expect(cost.calls).toBeCloseTo((1_048_575 * votes) / 0.8, 3);
    expect(cost.tokens).toBeCloseTo(cost.calls * 700, 1);
    expect(cost.costUsd).toBeCloseTo(cost.calls * 0.001, 6);
    expect(cost.successProbability).toBeGreaterThanOrEqual(0.95);
  });

  it('accepts an explicit k and defaults validRate to 1', () => {
    const cost = expectedCost({ p: 0.75, k: 2, steps: 10, costPerCallUsd: 1, tokensPerCall: 1 });
    expect(cost.calls).toBeCloseTo(10 * expectedVotesPerStep({ p: 0.75, k: 2 }), 12);
  });

  it('rejects bad cost inputs', () => {
    const base = { p: 0.9, steps: 10, costPerCallUsd: 1, tokensPerCall: 1 };
    expect(() => expectedCost({ ...base, k: 2, validRate: 0 })).toThrow(InvalidArgumentError);
    expect(() => expectedCost({ ...base, k: 2, costPerCallUsd: -1 })).toThrow(InvalidArgumentError);
    expect(() => expectedCost({ ...base, k: 2, target: 0.9 } as never)).toThrow(InvalidArgumentError);
    expect(() => expectedCost(base as never)).toThrow(InvalidArgumentError);
  });
});

describe('option validation', () => {
  it('names an unknown key', () => {
    try {
      kMin({ p: 0.9, steps: 1, target: 0.9, extra: 1 } as never);
      expect.unreachable();
    } catch (error) {
      expect((error as InvalidArgumentError).parameter).toBe('options.extra');
    }
  });
});
