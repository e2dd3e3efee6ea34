import { describe, expect, test } from 'vitest';
import { promptVariantForSample, temperatureForSample } from './diversity.js';

describe('diversity profile', () => {
  const profile = { temperatures: [0, 0.5, 1], promptVariants: ['a', 'b', 'c'] };

  test('the first temperature once, then the rest cycle', () => {
    expect([0, 1, 2, 3, 4, 5].map((index) => temperatureForSample(profile, index))).toEqual([0, 0.5, 1, 0.5, 1, 0.5]);
    expect([0, 1, 2].map((index) => temperatureForSample({ temperatures: [0.7], promptVariants: ['a'] }, index))).toEqual([0.7, 0.7, 0.7]);
  });

  test('prompt variants rotate round-robin', () => {
    expect([0, 1, 2, 3, 4].map((index) => promptVariantForSample(profile, index))).toEqual(['a', 'b', 'c', 'a', 'b']);
  });
});
