/**
 * @module verify/values-equal
 * Deep equality of a candidate's returned value with an expected JSON value, tolerant of floating-point rounding.
 */

/** Relative tolerance of number comparison: `|a - b| <= 1e-9 * max(1, |a|, |b|)`. */
export const NUMBER_TOLERANCE = 1e-9;

/**
 * Deep equality for test oracles:
 * - numbers: `|a - b| <= 1e-9 * max(1, |a|, |b|)` (so `0.1 + 0.2` equals `0.3`, `0` equals `-0`); `NaN` equals `NaN`;
 *   equal infinities are equal; a bigint and a number compare by value;
 * - `null` and `undefined` are equal (Python `None` and MultiPL-E's `undefined` both mean "no value");
 * - arrays: same length and pairwise equal; plain objects: the same own keys and pairwise equal values;
 * - everything else: `Object.is`.
 */
export function valuesEqual(actual: unknown, expected: unknown): boolean {
  if (actual === expected) return true;
  if (actual == null && expected == null) return true;
  const a = numeric(actual);
  const b = numeric(expected);
  if (a !== undefined && b !== undefined) return numbersClose(a, b);
  if (Array.isArray(actual) || Array.isArray(expected)) {
    if (!Array.isArray(actual) || !Array.isArray(expected) || actual.length !== expected.length) return false;
    return actual.every((value, i) => valuesEqual(value, expected[i]));
  }
  if (typeof actual === 'object' && typeof expected === 'object' && actual !== null && expected !== null) {
    const ka = Object.keys(actual);
    const kb = Object.keys(expected);
    if (ka.length !== kb.length) return false;
    const ra = actual as Record<string, unknown>;
    const rb = expected as Record<string, unknown>;
    return kb.every((k) => Object.hasOwn(ra, k) && valuesEqual(ra[k], rb[k]));
  }
  return Object.is(actual, expected);
}

function numeric(value: unknown): number | bigint | undefined {
  return typeof value === 'number' || typeof value === 'bigint' ? value : undefined;
}

function numbersClose(a: number | bigint, b: number | bigint): boolean {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a === b;
  const x = Number(a);
  const y = Number(b);
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
  if (!Number.isFinite(x) || !Number.isFinite(y)) return x === y;
  return Math.abs(x - y) <= NUMBER_TOLERANCE * Math.max(1, Math.abs(x), Math.abs(y));
}
