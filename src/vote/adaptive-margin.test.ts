import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/index.js';
import { perStepErrorTarget, requiredMargin, parseAdaptiveMargin, stoppingRuleOutcome, wilsonLowerBound } from './adaptive-margin.js';
import { FirstToAheadByKVote } from './first-to-ahead-by-k.js';
import { expectedVotesPerStep, perStepSuccess } from './k-min.js';

const MILLION_STEP_EPSILON = perStepErrorTarget({ target: 0.95, steps: 1_048_575 });

describe('perStepErrorTarget', () => {
  it('splits the run target over its steps: 1 - t^(1/s)', () => {
    expect(MILLION_STEP_EPSILON).toBeCloseTo(4.892e-8, 10);
    expect(perStepErrorTarget({ target: 0.95, steps: 1 })).toBeCloseTo(0.05, 12);
    expect(1 - (1 - perStepErrorTarget({ target: 0.9, steps: 10 })) ** 10).toBeCloseTo(0.1, 12);
  });

  it('names the field it rejects', () => {
    expect(() => perStepErrorTarget({ target: 1, steps: 3 })).toThrow(InvalidArgumentError);
    expect(() => perStepErrorTarget({ target: 0.9, steps: 0 })).toThrow(/options\.steps/);
  });
});

describe('wilsonLowerBound', () => {
  it('matches the Wilson score interval and stays below the observed share', () => {
    // 7 of 10 at z = 1.96: 0.3968 (textbook value).
    expect(wilsonLowerBound(7, 10, 1.96)).toBeCloseTo(0.3968, 4);
    expect(wilsonLowerBound(7, 10, 0)).toBeCloseTo(0.7, 12);
    expect(wilsonLowerBound(0, 0, 1.5)).toBe(0);
    fc.assert(fc.property(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 200 }), fc.double({ min: 0, max: 4, noNaN: true }), (s, extra, z) => {
      const trials = s + extra;
      const bound = wilsonLowerBound(s, trials, z);
      expect(bound).toBeGreaterThanOrEqual(0);
      expect(bound).toBeLessThanOrEqual(s / trials + 1e-12);
    }));
  });
});

describe('requiredMargin', () => {
  const adaptive = parseAdaptiveMargin({ errorTarget: MILLION_STEP_EPSILON });

  it('is k for an uncontested step and for plain first-to-ahead-by-k', () => {
    expect(requiredMargin(3, adaptive, 3, 0)).toBe(3);
    expect(requiredMargin(3, null, 30, 12)).toBe(3);
  });

  it('is unbounded while the split cannot tell the leader from the runner-up', () => {
    expect(requiredMargin(3, adaptive, 2, 1)).toBe(Number.POSITIVE_INFINITY);
    expect(requiredMargin(3, adaptive, 5, 5)).toBe(Number.POSITIVE_INFINITY);
  });

  it('is the SPRT margin at the accuracy lower bound: ceil(ln((1-ε)/ε) / ln(θ/(1-θ)))', () => {
    const theta = wilsonLowerBound(40, 50, 1.5);
    const expected = Math.ceil(Math.log((1 - MILLION_STEP_EPSILON) / MILLION_STEP_EPSILON) / Math.log(theta / (1 - theta)));
    expect(requiredMargin(3, adaptive, 40, 10)).toBe(expected);
    expect(expected).toBeGreaterThan(3);
  });

  it('property: never below k, and shrinks (or stays) as the leader gains votes against the same runner-up', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 30 }), (k, leader, runnerUp) => {
      const now = requiredMargin(k, adaptive, leader + runnerUp, runnerUp);
      const later = requiredMargin(k, adaptive, leader + runnerUp + 1, runnerUp);
      expect(now).toBeGreaterThanOrEqual(k);
      expect(later).toBeLessThanOrEqual(now);
    }));
  });
});

describe('stoppingRuleOutcome', () => {
  it('reproduces the gambler\'s ruin of plain first-to-ahead-by-k (k-min.ts)', () => {
    for (const [theta, k] of [[0.7, 3], [0.9, 2], [0.6, 4]] as const) {
      const outcome = stoppingRuleOutcome({ theta, k, adaptive: null, maxVotes: 600 });
      expect(outcome.right).toBeCloseTo(perStepSuccess({ p: theta, k }), 9);
      expect(outcome.expectedVotes).toBeCloseTo(expectedVotesPerStep({ p: theta, k }), 6);
    }
  });

  it('on a hard step (θ = 0.7, k = 3) adaptive k leaves only the unanimous-wrong first round, and keeps contested errors under ε', () => {
    const plain = stoppingRuleOutcome({ theta: 0.7, k: 3, adaptive: null, maxVotes: 600 });
    const adaptive = stoppingRuleOutcome({ theta: 0.7, k: 3, adaptive: { errorTarget: MILLION_STEP_EPSILON }, maxVotes: 600 });
    expect(plain.wrong).toBeCloseTo(1 / (1 + (7 / 3) ** 3), 9);
    expect(adaptive.wrong - adaptive.wrongContested).toBeCloseTo(0.3 ** 3, 12);
    expect(adaptive.wrongContested).toBeLessThan(MILLION_STEP_EPSILON);
    expect(adaptive.undecided).toBeLessThan(1e-9);
    // The price: a contested hard step needs far more votes than k.
    expect(adaptive.expectedVotes).toBeGreaterThan(30);
    expect(adaptive.expectedVotes).toBeLessThan(80);
  });

  it('costs an ordinary step (θ = 0.9978) almost nothing more than plain k', () => {
    const plain = stoppingRuleOutcome({ theta: 0.9978, k: 3, adaptive: null, maxVotes: 200 });
    const adaptive = stoppingRuleOutcome({ theta: 0.9978, k: 3, adaptive: { errorTarget: MILLION_STEP_EPSILON }, maxVotes: 200 });
    expect(adaptive.expectedVotes - plain.expectedVotes).toBeLessThan(0.2);
    expect(adaptive.wrong).toBeLessThanOrEqual(plain.wrong);
  });

  it('rejects a probability outside [0, 1]', () => {
    expect(() => stoppingRuleOutcome({ theta: 1.2, k: 3, adaptive: null, maxVotes: 10 })).toThrow(/options\.theta/);
  });
});

describe('FirstToAheadByKVote with adaptive k', () => {
  it('decides an uncontested step at k, like the plain rule', () => {
    const vote = new FirstToAheadByKVote({ k: 3, adaptive: { errorTarget: 1e-6 } });
    expect(vote.castBatch(['a', 'a', 'a'])).toMatchObject({ decided: true, winner: 'a', requiredMargin: 3, contested: false });
  });

  it('keeps a contested step open past k, until its split clears the error target', () => {
    const vote = new FirstToAheadByKVote({ k: 3, adaptive: { errorTarget: 1e-6 } });
    let status = vote.castBatch(['a', 'b', 'a']);
    expect(status).toMatchObject({ decided: false, contested: true, requiredMargin: Number.POSITIVE_INFINITY });
    status = vote.castBatch(['a', 'a', 'a']); // 5-1: plain k = 3 would have decided here.
    expect(status.decided).toBe(false);
    expect(status.margin).toBe(4);
    expect(status.requiredMargin).toBeGreaterThan(4);
    while (!status.decided) status = vote.cast('a');
    expect(status.winner).toBe('a');
    expect(status.margin).toBeGreaterThanOrEqual(status.requiredMargin);
  });

  it('property: decides exactly when the margin reaches requiredMargin, and never earlier than plain k would', () => {
    const keys = fc.constantFrom('a', 'b', 'c');
    fc.assert(fc.property(fc.integer({ min: 1, max: 4 }), fc.array(fc.array(keys, { maxLength: 5 }), { minLength: 1, maxLength: 30 }), (k, batches) => {
      const adaptive = new FirstToAheadByKVote({ k, adaptive: { errorTarget: 1e-4 } });
      const plain = new FirstToAheadByKVote({ k });
      for (const batch of batches) {
        const status = adaptive.castBatch(batch);
        const plainStatus = plain.status().decided ? plain.status() : plain.castBatch(batch);
        expect(status.decided).toBe(status.margin >= status.requiredMargin);
        if (status.decided) {
          expect(plainStatus.decided).toBe(true);
          break;
        }
      }
    }));
  });

  it('names the adaptive field it rejects', () => {
    expect(() => new FirstToAheadByKVote({ k: 3, adaptive: { errorTarget: 0.7 } })).toThrow(/options\.adaptive\.errorTarget/);
    expect(() => new FirstToAheadByKVote({ k: 3, adaptive: { errorTarget: 0.01, confidence: -1 } })).toThrow(/options\.adaptive\.confidence/);
  });
});
