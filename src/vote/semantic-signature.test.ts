import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CallOutcome } from '../sandbox/candidate-runner.js';
import { semanticSignature } from './semantic-signature.js';

const value = (v: unknown): CallOutcome => ({ kind: 'value', value: v });

describe('semanticSignature', () => {
  it('gives equal keys for equal behaviour', () => {
    const a = semanticSignature([value({ b: 1, a: [0.1 + 0.2, -0] }), { kind: 'error', errorType: 'ValueError', message: 'x' }, { kind: 'timeout' }]);
    const b = semanticSignature([value({ a: [0.3, 0], b: 1 }), { kind: 'error', errorType: 'IndexError', message: 'list index out of range' }, { kind: 'timeout' }]);
    expect(a.classKey).toBe(b.classKey);
    expect(a.signature).toBe('[{"value":{"a":[0.3,0],"b":1}},"error","timeout"]');
    expect(a.classKey).toMatch(/^[0-9a-f]{16}$/);
  });

  it('with the output compared unordered or as a set, answers in another order (or repeated, for set) share a class', () => {
    const key = (v: unknown, compare?: 'exact' | 'unordered' | 'set') => semanticSignature([value(v)], compare ? { compare } : {}).classKey;
    expect(key([3, 1, 2], 'unordered')).toBe(key([1, 2, 3], 'unordered'));
    expect(key([{ b: 1, a: 2 }, [2, 1]], 'unordered')).toBe(key([[2, 1], { a: 2, b: 1 }], 'unordered'));
    expect(key([1, 1, 2], 'unordered')).not.toBe(key([1, 2, 2], 'unordered')); // multiplicities count
    expect(key([1, 1, 2], 'set')).toBe(key([2, 1], 'set'));
    expect(key([1, 3], 'set')).not.toBe(key([1, 2], 'set'));
    expect(key([3, 1, 2], 'exact')).not.toBe(key([1, 2, 3], 'exact'));
    expect(key([3, 1, 2])).toBe(key([3, 1, 2], 'exact')); // the default, and what earlier runs recorded
    expect(key('cab', 'unordered')).not.toBe(key('abc', 'unordered')); // only lists are reordered
  });

  it('gives different keys for different outputs', () => {
    const base = semanticSignature([value([1, 2, 3]), value(true)]);
    for (const other of [
      [value([1, 2, 4]), value(true)],
      [value([1, 2, 3]), value(false)],
      [value([1, 2, 3]), { kind: 'error', errorType: 'E', message: '' }],
      [value([1, 2, 3]), { kind: 'timeout' }],
      [value([1, 2, 3])],
      [value([1, 2, 3]), value('true')],
      [value([3, 2, 1]), value(true)],
    ] as CallOutcome[][]) {
      expect(semanticSignature(other).classKey).not.toBe(base.classKey);
    }
  });

  it('does not confuse a returned "error" string with a thrown error, nor 1e-13 with 0', () => {
    expect(semanticSignature([value('error')]).classKey).not.toBe(semanticSignature([{ kind: 'error', errorType: 'E', message: '' }]).classKey);
    expect(semanticSignature([value(1e-13)]).classKey).not.toBe(semanticSignature([value(0)]).classKey);
    expect(semanticSignature([value(1.0000000000001)]).classKey).toBe(semanticSignature([value(1)]).classKey);
  });

  it('keeps a __proto__ key', () => {
    const withProto = JSON.parse('{"__proto__": 1, "a": 2}') as unknown;
    expect(semanticSignature([value(withProto)]).signature).toBe('[{"value":{"__proto__":1,"a":2}}]');
  });

  it('handles non-JSON values without throwing', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['self'] = cyclic;
    expect(semanticSignature([value(Number.NaN), value(Number.POSITIVE_INFINITY), value(10n), value(cyclic), value(undefined)]).signature).toBe(
      '[{"value":{"$number":"NaN"}},{"value":{"$number":"Infinity"}},{"value":{"$bigint":"10"}},{"value":{"a":1,"self":{"$cycle":true}}},{"value":null}]',
    );
  });

  it('property: key order never changes the key; the key is a function of the canonical signature', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }), (record) => {
        const reversed = Object.fromEntries(Object.entries(record).reverse());
        expect(semanticSignature([value(reversed)]).classKey).toBe(semanticSignature([value(record)]).classKey);
      }),
    );
  });
});
