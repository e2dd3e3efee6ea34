import { describe, expect, test } from 'vitest';
import { isAtomic } from './atomicity.js';

describe('isAtomic', () => {
  const limits = { maxLines: 30, maxComplexity: 6 };
  test('both estimates within the limits (inclusive)', () => {
    expect(isAtomic({ estimatedLines: 30, estimatedComplexity: 6 }, limits)).toBe(true);
    expect(isAtomic({ estimatedLines: 1, estimatedComplexity: 1 }, limits)).toBe(true);
  });
  test('either estimate over its limit -> not atomic', () => {
    expect(isAtomic({ estimatedLines: 31, estimatedComplexity: 1 }, limits)).toBe(false);
    expect(isAtomic({ estimatedLines: 5, estimatedComplexity: 7 }, limits)).toBe(false);
  });
});
