import { describe, expect, it } from 'vitest';
import { contextFor, recordedContext, recordedProblem } from '../testing/sample-context.js';
import { noCodeRule } from './no-code.js';

describe('no-code', () => {
  const rule = noCodeRule();

  it('hits when no code was found or the generated part is blank', () => {
    expect(rule.check(contextFor({ language: 'python', text: 'I cannot help with that.', generatedCode: null }))).toMatchObject({ rule: 'no-code' });
    expect(rule.check(contextFor({ language: 'python', text: '  \n\t', stub: 'def solve(x):\n' }))).toMatchObject({ rule: 'no-code' });
    expect(rule.check(contextFor({ language: 'typescript', text: '', stub: 'function solve(x: number) {' }))).toMatchObject({ rule: 'no-code' });
  });

  it('does not hit on real code', () => {
    expect(rule.check(recordedContext(recordedProblem('HumanEval/0'), 0))).toBeUndefined();
    expect(rule.check(contextFor({ language: 'typescript', text: 'function solve(x: number) { return x; }' }))).toBeUndefined();
  });
});
