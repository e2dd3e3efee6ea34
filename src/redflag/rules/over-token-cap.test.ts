import { describe, expect, it } from 'vitest';
import { contextFor } from '../testing/sample-context.js';
import { overTokenCapRule } from './over-token-cap.js';

describe('over-token-cap', () => {
  const rule = overTokenCapRule();

  it('hits on finish reason length', () => {
    expect(rule.check(contextFor({ language: 'python', text: 'def solve(x):\n    return x', finishReason: 'length', outputTokens: 10 }))).toMatchObject({
      rule: 'over-token-cap',
    });
  });

  it('hits above limits.maxOutputTokens and not at it', () => {
    expect(rule.check(contextFor({ language: 'typescript', text: 'x', outputTokens: 101, maxOutputTokens: 100 }))).toMatchObject({ rule: 'over-token-cap' });
    expect(rule.check(contextFor({ language: 'typescript', text: 'x', outputTokens: 100, maxOutputTokens: 100 }))).toBeUndefined();
  });
});
