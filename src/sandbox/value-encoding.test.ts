import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decodeTagged, encodeTagged } from './value-encoding.js';

describe('tagged value encoding', () => {
  test('round-trips through JSON, special numbers and bigints included', () => {
    const value = fc.letrec((tie) => ({
      leaf: fc.oneof(
        fc.double(),
        fc.integer(),
        fc.bigInt(),
        fc.string(),
        fc.boolean(),
        fc.constant(null),
        fc.constantFrom(NaN, Infinity, -Infinity, -0),
      ),
      node: fc.oneof({ depthSize: 'small' }, tie('leaf'), fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(fc.string().filter((k) => k !== '$zerr' && k !== '__proto__'), tie('node'), { maxKeys: 3, noNullPrototype: true })),
    })).node;
    fc.assert(
      fc.property(value, (v) => {
        const back = decodeTagged(JSON.parse(JSON.stringify(encodeTagged(v))));
        expect(back).toStrictEqual(v);
      }),
    );
  });

  test('encodes undefined and rejects cycles', () => {
    expect(decodeTagged(JSON.parse(JSON.stringify(encodeTagged([undefined, 1]))))).toEqual([undefined, 1]);
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(() => encodeTagged(cyclic)).toThrow(/cyclic/);
  });
});
