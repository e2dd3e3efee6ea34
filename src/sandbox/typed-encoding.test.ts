import { describe, expect, it } from 'vitest';
import { parseTypeRef } from '../task-spec/type-ref.js';
import { encodeArgumentsByType, encodeByType } from './typed-encoding.js';
import { decodeTagged } from './value-encoding.js';

const py = (value: unknown, type: string): unknown => encodeByType(value, parseTypeRef('python', type), 'python');
const ts = (value: unknown, type: string): unknown => encodeByType(value, parseTypeRef('typescript', type), 'typescript');

describe('encodeByType (Python)', () => {
  it('tuples, sets and frozensets from lists, at any depth', () => {
    expect(py([1, 2], 'Tuple[int, int]')).toEqual({ $zerr: 'tuple', v: [1, 2] });
    expect(py([1, 2, 3], 'Tuple[int, ...]')).toEqual({ $zerr: 'tuple', v: [1, 2, 3] });
    expect(py([[1], [2, 2]], 'List[Set[int]]')).toEqual([{ $zerr: 'set', v: [1] }, { $zerr: 'set', v: [2, 2] }]);
    expect(py(['a'], 'FrozenSet[str]')).toEqual({ $zerr: 'frozenset', v: ['a'] });
  });

  it('a dict with int keys from an object, its values by their own type', () => {
    expect(py({ 1: [1, 2], '-3': [] }, 'Dict[int, Tuple[int, ...]]')).toEqual({
      $zerr: 'dict', v: [[1, { $zerr: 'tuple', v: [1, 2] }], [-3, { $zerr: 'tuple', v: [] }]],
    });
    expect(py({ a: 1 }, 'Dict[str, int]')).toEqual({ a: 1 });
  });

  it('bytes from a string (UTF-8) or a list of 0-255', () => {
    expect(py('hé', 'bytes')).toEqual({ $zerr: 'bytes', v: Buffer.from('hé', 'utf8').toString('base64') });
    expect(py([0, 255], 'bytes')).toEqual({ $zerr: 'bytes', v: Buffer.from([0, 255]).toString('base64') });
  });

  it('optionals and unions pick the member the value fits; a value of another shape is encoded as it is', () => {
    expect(py(null, 'Optional[Tuple[int, int]]')).toBeNull();
    expect(py([1, 2], 'Optional[Tuple[int, int]]')).toEqual({ $zerr: 'tuple', v: [1, 2] });
    expect(py('x', 'Union[int, bytes]')).toEqual({ $zerr: 'bytes', v: Buffer.from('x').toString('base64') });
    expect(py('not a list', 'Set[int]')).toBe('not a list');
    expect(py([1, NaN], 'List[float]')).toEqual([1, { $zerr: 'nan' }]);
  });
});

describe('encodeByType (TypeScript)', () => {
  it('Set, Map, Date and bigint', () => {
    expect(ts([1, 2], 'Set<number>')).toEqual({ $zerr: 'set', v: [1, 2] });
    expect(ts({ 1: 'a' }, 'Map<number, string>')).toEqual({ $zerr: 'map', v: [[1, 'a']] });
    expect(ts({ a: [1] }, 'Map<string, Set<number>>')).toEqual({ $zerr: 'map', v: [['a', { $zerr: 'set', v: [1] }]] });
    expect(ts('2024-02-29T12:00:00Z', 'Date')).toEqual({ $zerr: 'date', v: '2024-02-29T12:00:00.000Z' });
    expect(ts(0, 'Date')).toEqual({ $zerr: 'date', v: '1970-01-01T00:00:00.000Z' });
    expect(ts('12345678901234567890', 'bigint')).toEqual({ $zerr: 'bigint', v: '12345678901234567890' });
    expect(ts(7, 'bigint')).toEqual({ $zerr: 'bigint', v: '7' });
  });

  it('null becomes undefined where the type has undefined and no null', () => {
    expect(ts(null, 'number | undefined')).toEqual({ $zerr: 'undefined' });
    expect(ts(null, 'undefined')).toEqual({ $zerr: 'undefined' });
    expect(ts([1, null], '(number | undefined)[]')).toEqual([1, { $zerr: 'undefined' }]);
    expect(ts(null, 'number | null')).toBeNull();
    expect(ts(null, 'number | null | undefined')).toBeNull();
    expect(py(null, 'Optional[int]')).toBeNull();
  });

  it('tuples stay arrays; records stay objects (an own $zerr key wrapped, as encodeTagged does)', () => {
    expect(ts([1, 'a'], '[number, string]')).toEqual([1, 'a']);
    const wrapped = ts({ $zerr: 'nan' }, 'Record<string, string>');
    expect(wrapped).toEqual({ $zerr: 'object', v: { $zerr: 'nan' } });
    expect(decodeTagged(wrapped)).toEqual({ $zerr: 'nan' }); // data, never read as a tag
  });

  it('without types, arguments are encoded as they are', () => {
    expect(encodeArgumentsByType([[1, 2], { 1: 'a' }], [undefined, undefined], 'python')).toEqual([[1, 2], { 1: 'a' }]);
  });
});
