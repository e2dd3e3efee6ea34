import fc from 'fast-check';
import { describe, expect, it, test } from 'vitest';
import { parseTypeRef } from '../task-spec/type-ref.js';
import { valuesEqual } from './values-equal.js';
import { renderCall } from './render-value.js';

describe('valuesEqual', () => {
  test('integers compare exactly, whatever their size (an answer off by 1,000 at 10^15 is wrong)', () => {
    expect(valuesEqual(1e15 + 1000, 1e15)).toBe(false);
    expect(valuesEqual(1e12 + 1e2, 1e12)).toBe(false);
    expect(valuesEqual(2n ** 64n + 1n, 2n ** 64n)).toBe(false);
    expect(valuesEqual(2 ** 60, 2n ** 60n)).toBe(true);
    expect(valuesEqual(3, 3, { type: { kind: 'integer' } })).toBe(true);
    expect(valuesEqual(3.0000000001, 3, { type: { kind: 'integer' } })).toBe(false);
    expect(valuesEqual([1e15 + 1000], [1e15], { type: { kind: 'array', element: { kind: 'number' } } })).toBe(false);
  });

  test('floats compare within the tolerance (default relative 1e-9, absolute 1e-12), or the spec\'s', () => {
    expect(valuesEqual(0.1 + 0.2, 0.3)).toBe(true);
    expect(valuesEqual(1e12 + 1e-1, 1e12)).toBe(true);
    expect(valuesEqual(1e-17, 0, { type: { kind: 'float' } })).toBe(true);
    expect(valuesEqual(1e-9, 0, { type: { kind: 'float' } })).toBe(false);
    expect(valuesEqual(1.001, 1, { type: { kind: 'float' }, tolerance: { relative: 0.01, absolute: 0 } })).toBe(true);
    expect(valuesEqual(1.5, 1, { type: { kind: 'float' }, tolerance: { relative: 0.01, absolute: 0 } })).toBe(false);
    expect(valuesEqual(1.0, 1.000001)).toBe(false);
    expect(valuesEqual(0, -0)).toBe(true);
    expect(valuesEqual(NaN, NaN)).toBe(true);
    expect(valuesEqual(Infinity, -Infinity)).toBe(false);
    expect(valuesEqual(2n ** 70n, 2n ** 70n)).toBe(true);
    expect(valuesEqual(3n, 3)).toBe(true);
  });

  test('structures compare deeply; null and undefined are equal', () => {
    expect(valuesEqual([1, [2, { a: 0.3 }]], [1, [2, { a: 0.1 + 0.2 }]])).toBe(true);
    expect(valuesEqual([1, [2, { a: 3 }]], [1, [2, { a: 4 }]])).toBe(false);
    expect(valuesEqual([1, 2], [1, 2, 3])).toBe(false);
    expect(valuesEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(valuesEqual({ a: 1, b: undefined }, { a: 1, c: undefined })).toBe(false);
    expect(valuesEqual(undefined, null)).toBe(true);
    expect(valuesEqual('1', 1)).toBe(false);
    expect(valuesEqual([1], { 0: 1 })).toBe(false);
  });

  test('comparators: unordered is a multiset, set ignores repeats, partial needs only the expected keys', () => {
    const floats = { kind: 'array', element: { kind: 'float' } } as const;
    expect(valuesEqual([3, 1, 2], [1, 2, 3], { compare: 'unordered' })).toBe(true);
    expect(valuesEqual([3, 1, 2], [1, 2, 3])).toBe(false); // exact keeps the order
    expect(valuesEqual([1, 1, 2], [1, 2, 2], { compare: 'unordered' })).toBe(false); // multiplicities count
    expect(valuesEqual([1, 2], [1, 2, 2], { compare: 'unordered' })).toBe(false);
    expect(valuesEqual([0.30000000000000004, 0.1], [0.1, 0.3], { compare: 'unordered', type: floats })).toBe(true);
    expect(valuesEqual([[2, 1], [3]], [[3], [2, 1]], { compare: 'unordered' })).toBe(true); // only the top level is unordered
    expect(valuesEqual([[2, 1], [3]], [[3], [1, 2]], { compare: 'unordered' })).toBe(false);
    expect(valuesEqual([1, 1, 2], [2, 1], { compare: 'set' })).toBe(true);
    expect(valuesEqual([1, 3], [1, 2], { compare: 'set' })).toBe(false);
    expect(valuesEqual([1, 2], [1, 2, 3], { compare: 'set' })).toBe(false);
    expect(valuesEqual('ab', ['a', 'b'], { compare: 'set' })).toBe(false); // not a list
    expect(valuesEqual({ id: 1, name: 'a', extra: [1] }, { id: 1 }, { compare: 'partial' })).toBe(true);
    expect(valuesEqual({ id: 1 }, { id: 1, name: 'a' }, { compare: 'partial' })).toBe(false); // a key the result lacks
    expect(valuesEqual([{ id: 1, x: 0 }, { id: 2, x: 0 }], [{ id: 1 }, { id: 2 }], { compare: 'partial' })).toBe(true);
    expect(valuesEqual([{ id: 1 }], [{ id: 1 }, { id: 2 }], { compare: 'partial' })).toBe(false); // lists keep their length
    expect(valuesEqual({ a: { b: 1, c: 2 } }, { a: { b: 1 } }, { compare: 'partial' })).toBe(true); // deep
    expect(valuesEqual({ a: { b: 1, c: 2 } }, { a: { b: 1 } })).toBe(false);
  });

  test('property: every JSON value equals itself and its JSON round trip', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => valuesEqual(v, JSON.parse(JSON.stringify(v)))));
  });

  test('renders calls for reasons', () => {
    expect(renderCall('has_close_elements', [[1, 2], 0.5])).toBe('has_close_elements([1,2], 0.5)');
    expect(renderCall('f', [NaN, undefined, 'a'])).toBe('f(NaN, undefined, "a")');
  });
});

describe('valuesEqual by declared containers and kinds', () => {
  const py = (type: string) => ({ type: parseTypeRef('python', type) });
  const ts = (type: string) => ({ type: parseTypeRef('typescript', type) });
  it('a declared set compares as a set (order and repeats aside), also nested', () => {
    expect(valuesEqual([1, 2, 3], [3, 1, 2], py('Set[int]'))).toBe(true);
    expect(valuesEqual([1, 2], [1, 2, 3], py('Set[int]'))).toBe(false);
    expect(valuesEqual([[2, 1]], [[1, 2]], py('List[FrozenSet[int]]'))).toBe(true);
    expect(valuesEqual([1, 2, 3], [3, 1, 2], py('List[int]'))).toBe(false);
  });
  it('a Map arrives as pairs and compares with an object or pairs', () => {
    expect(valuesEqual([['a', 1], ['b', 2]], { b: 2, a: 1 }, ts('Map<string, number>'))).toBe(true);
    expect(valuesEqual([[1, 'x']], { 1: 'x' }, ts('Map<number, string>'))).toBe(true);
    expect(valuesEqual([['a', 1]], { a: 1, b: 2 }, ts('Map<string, number>'))).toBe(false);
    expect(valuesEqual([['a', 1]], [['a', 1]], ts('Map<string, number>'))).toBe(true);
  });
  it('bytes, dates and big integers written as strings', () => {
    const hi = { $zerr: 'bytes', v: Buffer.from('hi').toString('base64') };
    expect(valuesEqual(hi, 'hi', py('bytes'))).toBe(true);
    expect(valuesEqual(hi, [104, 105], py('bytes'))).toBe(true);
    expect(valuesEqual(hi, 'ho', py('bytes'))).toBe(false);
    expect(valuesEqual('hi', 'hi', py('bytes'))).toBe(false); // a candidate's str is not bytes
    expect(valuesEqual([104, 105], 'hi', py('bytes'))).toBe(false); // nor is a list of ints
    expect(valuesEqual('2024-02-29T12:00:00.000Z', '2024-02-29T12:00:00Z', ts('Date'))).toBe(true);
    expect(valuesEqual('1970-01-01T00:00:00.000Z', 0, ts('Date'))).toBe(true);
    expect(valuesEqual('1970-01-01T00:00:00.001Z', 0, ts('Date'))).toBe(false);
    expect(valuesEqual(24691357802469135780n, '24691357802469135780', ts('bigint'))).toBe(true);
    expect(valuesEqual(24691357802469135781n, '24691357802469135780', py('int'))).toBe(false);
  });
});

