import { describe, expect, it } from 'vitest';
import { advisoryPasses, compareByDualAgreement, eligibleClasses } from './advisory-tests.js';

describe('advisory tests', () => {
  it('counts agreeing outcomes, including expected throws', () => {
    const tests = [
      { inputs: [1], expected: 2, expectThrows: false },
      { inputs: [2], expected: [1, 2], expectThrows: false },
      { inputs: [3], expectThrows: true },
      { inputs: [4], expected: 5, expectThrows: false },
    ];
    const passed = advisoryPasses(tests, [
      { kind: 'value', value: 2 },
      { kind: 'value', value: [1, 2] },
      { kind: 'error', errorType: 'ValueError', message: '' },
      { kind: 'timeout' },
    ]);
    expect(passed).toBe(3);
  });

  it('keeps classes within the threshold of the best, or all when none passes', () => {
    expect([...eligibleClasses(new Map([['a', 4], ['b', 2], ['c', 1]]), 0.5)].sort()).toEqual(['a', 'b']);
    expect([...eligibleClasses(new Map([['a', 0], ['b', 0]]), 0.5)].sort()).toEqual(['a', 'b']);
  });

  it('ranks by votes x passes, then votes', () => {
    const ranked = [
      { key: 'big-wrong', votes: 6, passed: 1 },
      { key: 'small-right', votes: 3, passed: 4 },
      { key: 'tie', votes: 2, passed: 6 },
    ].sort(compareByDualAgreement);
    expect(ranked.map((c) => c.key)).toEqual(['small-right', 'tie', 'big-wrong']);
  });
});
