import { describe, it, expect } from 'vitest';
import { estimateTokenCount, truncateToEstimatedTokens } from './token-estimate.js';

describe('estimateTokenCount / truncateToEstimatedTokens', () => {
  it('counts word pieces and punctuation marks, not whitespace', () => {
    expect(estimateTokenCount('return a[i] + 1')).toBe(7);
    expect(estimateTokenCount('   \n\t')).toBe(0);
    expect(estimateTokenCount('has_close_elements(nums)')).toBe(4);
  });

  it('cuts after the n-th piece, keeping trailing whitespace-only rest untouched', () => {
    expect(truncateToEstimatedTokens('a b c d', 2)).toEqual({ text: 'a b', truncated: true });
    expect(truncateToEstimatedTokens('a b \n', 2)).toEqual({ text: 'a b \n', truncated: false });
    expect(truncateToEstimatedTokens('a', 5)).toEqual({ text: 'a', truncated: false });
  });
});
