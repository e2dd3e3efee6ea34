import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { valuesEqual } from './values-equal.js';
import { renderCall } from './render-value.js';

describe('valuesEqual', () => {
  test('numbers within 1e-9 relative tolerance are equal, beyond it they are not', () => {
    expect(valuesEqual(0.1 + 0.2, 0.3)).toBe(true);
    expect(valuesEqual(1e12 + 1e2, 1e12)).toBe(true);
    expect(valuesEqual(1.0, 1.000001)).toBe(false);
    expect(valuesEqual(0, -0)).toBe(true);
    expect(valuesEqual(NaN, NaN)).toBe(true);
    expect(valuesEqual(Infinity, -Infinity)).toBe(false);
    expect(valuesEqual(2n ** 70n, 2n ** 70n)).toBe(true);
    expect(valuesEqual(3n, 3)).toBe(true);
  });

  test('structures compare deeply; null and undefined are equal', () => {
    expect(valuesEqual([1, [2, { a: 3 }]], [1, [2, { a: 3 + 1e-12 }]])).toBe(true);
    expect(valuesEqual([1, 2], [1, 2, 3])).toBe(false);
    expect(valuesEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(valuesEqual({ a: 1, b: undefined }, { a: 1, c: undefined })).toBe(false);
    expect(valuesEqual(undefined, null)).toBe(true);
    expect(valuesEqual('1', 1)).toBe(false);
    expect(valuesEqual([1], { 0: 1 })).toBe(false);
  });

  test('property: every JSON value equals itself and its JSON round trip', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => valuesEqual(v, JSON.parse(JSON.stringify(v)))));
  });

  test('renders calls for reasons', () => {
    expect(renderCall('has_close_elements', [[1, 2], 0.5])).toBe('has_close_elements([1,2], 0.5)');
    expect(renderCall('f', [NaN, undefined, 'a'])).toBe('f(NaN, undefined, "a")');
  });
});
