import { describe, expect, it } from 'vitest';
import { parseTypeRef } from '../type-ref.js';
import { describeType, valueMismatch } from './test-cases.js';

describe('valueMismatch for values written as JSON for other types', () => {
  const py = (value: unknown, type: string) => valueMismatch(value, parseTypeRef('python', type));
  const ts = (value: unknown, type: string) => valueMismatch(value, parseTypeRef('typescript', type));

  it('accepts the written forms of sets, tuples, bytes, Maps, Dates and bigints', () => {
    expect(py([3, 1, 1], 'Set[int]')).toBeUndefined();
    expect(py([1, 2, 3], 'Tuple[int, ...]')).toBeUndefined();
    expect(py('héllo', 'bytes')).toBeUndefined();
    expect(py([0, 255], 'bytes')).toBeUndefined();
    expect(ts({ a: 1 }, 'Map<string, number>')).toBeUndefined();
    expect(ts('2024-02-29T12:00:00Z', 'Date')).toBeUndefined();
    expect(ts(0, 'Date')).toBeUndefined();
    expect(ts('12345678901234567890', 'bigint')).toBeUndefined();
    expect(ts(-7, 'bigint')).toBeUndefined();
  });

  it('refuses what is none of them, saying what is expected', () => {
    expect(py([256], 'bytes')).toBe('got [256], expected bytes (a string, taken as its UTF-8 bytes, or a list of integers 0-255)');
    expect(py(['a'], 'Set[int]')).toBe('element 0: got "a", expected an integer');
    expect(ts('not a date', 'Date')).toBe('got "not a date", expected a date (an ISO 8601 string, "2024-02-29T12:00:00Z", or milliseconds since 1970)');
    expect(ts(1.5, 'bigint')).toMatch(/^got 1\.5, expected an integer \(a bigint: beyond 2\^53 write it as a string of digits/);
    expect(ts('12a', 'bigint')).toMatch(/^got "12a", expected an integer \(a bigint/);
    expect(describeType(parseTypeRef('python', 'FrozenSet[int]'))).toBe('a list (passed as a frozenset)');
    expect(describeType(parseTypeRef('typescript', 'Map<string, number>'))).toBe('a mapping (object; passed as a Map)');
  });
});
