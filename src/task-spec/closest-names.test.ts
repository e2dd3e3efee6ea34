/**
 * "Did you mean": `closestNames` (ranked suggestions) and `closeName` (one suggestion, only for a likely
 * misspelling), on `fastest-levenshtein`'s distance.
 */
import fc from 'fast-check';
import { distance } from 'fastest-levenshtein';
import { describe, expect, test } from 'vitest';
import { closeName, closestNames } from './closest-names.js';

/** Textbook dynamic-programming Levenshtein distance (Wagner-Fischer), the oracle for the package's. */
function wagnerFischer(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

describe('edit distance', () => {
  test('is the Levenshtein distance, in UTF-16 code units, also past 32 characters (the package switches algorithm)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 70 }), fc.string({ maxLength: 70 }), (a, b) => {
        expect(distance(a, b)).toBe(wagnerFischer(a, b));
      }),
      { numRuns: 300 },
    );
    expect(distance('kitten', 'sitting')).toBe(3);
    expect(distance('', 'abc')).toBe(3);
    expect(distance('😀', '😁')).toBe(1); // one surrogate differs
  });
});

describe('closestNames', () => {
  const known = ['number', 'string', 'boolean', 'bigint', 'symbol', 'undefined', 'object'];

  test('ranks names containing the input first, then by edit distance, ties alphabetically, ignoring case', () => {
    expect(closestNames('num', known, 3)).toEqual(['number', 'symbol', 'bigint']); // 'sym' -> 'num' + 3: 5; 'bigint': 6, first alphabetically
    expect(closestNames('NUMBR', known, 1)).toEqual(['number']);
    expect(closestNames('strin', known, 2)).toEqual(['string', 'bigint']);
  });

  test('returns at most `limit` names (default 5), keeping their spelling', () => {
    expect(closestNames('x', known)).toHaveLength(5);
    expect(closestNames('Bool', ['Boolean', 'bool'], 5)).toEqual(['bool', 'Boolean']);
    expect(closestNames('x', [], 5)).toEqual([]);
  });
});

describe('closeName', () => {
  test('suggests the nearest name within the distance limit', () => {
    expect(closeName('numbr', ['number', 'string'])).toBe('number');
    expect(closeName('Strng', ['number', 'string'])).toBe('string');
    expect(closeName('booleen', ['boolean', 'bigint'])).toBe('boolean');
  });

  test('suggests nothing when the name is too far or too short to be a misspelling', () => {
    expect(closeName('y', ['x', 'z'])).toBeUndefined(); // limit floor(1 / 2) = 0
    expect(closeName('abcd', ['wxyz'])).toBeUndefined();
    expect(closeName('numbr', ['number'], 0)).toBeUndefined();
  });

  test('on equal distance the first known name wins', () => {
    expect(closeName('cat', ['bat', 'hat'])).toBe('bat');
    expect(closeName('cat', ['hat', 'bat'])).toBe('hat');
  });
});
