import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { jsonDepthExceededAt } from './json-body-parser.js';

/** Nesting depth of a JSON value (a scalar is 0, `[]` is 1). */
function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (value !== null && typeof value === 'object') return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

describe('jsonDepthExceededAt', () => {
  test('finds the bracket that opens the first level beyond the limit; brackets in strings and escaped quotes do not count', () => {
    expect(jsonDepthExceededAt('{"a":[1,{"b":2}]}', 3)).toBe(-1);
    expect(jsonDepthExceededAt('{"a":[1,{"b":2}]}', 2)).toBe(8);
    expect(jsonDepthExceededAt('{"a":"[[[[{{{{","b":"\\"[[["}', 1)).toBe(-1);
    expect(jsonDepthExceededAt('["\\\\",[[]]]', 2)).toBe(7);
    expect(jsonDepthExceededAt('12', 0)).toBe(-1);
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(jsonDepthExceededAt(deep, 100)).toBe(100);
  });

  test('property: the limit is exceeded exactly when the value nests deeper than it', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
      const text = JSON.stringify(value);
      const depth = depthOf(value);
      expect(jsonDepthExceededAt(text, depth)).toBe(-1);
      if (depth > 0) expect(jsonDepthExceededAt(text, depth - 1)).toBeGreaterThanOrEqual(0);
    }), { numRuns: 300, seed: 42 });
  });
});
