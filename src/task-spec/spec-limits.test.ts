import { describe, expect, it } from 'vitest';
import { MAX_SPEC_DEPTH, textNestingDepth, valueDepthPath } from './spec-limits.js';

describe('textNestingDepth', () => {
  it('counts bracket nesting outside strings and comments, and stops past the limit with the line', () => {
    expect(textNestingDepth('{"a": [1, [2, {"b": 3}]]}').depth).toBe(4);
    expect(textNestingDepth('{"a": "[[[[[[", \'b\': "\\"[["}').depth).toBe(1);
    expect(textNestingDepth("a: it's [1]  # [[[[ not counted\nb: [[2]]").depth).toBe(2);
    const deep = textNestingDepth(`{\n"x":\n${'['.repeat(100_000)}${']'.repeat(100_000)}}`, 64);
    expect(deep).toEqual({ depth: 65, line: 3 });
  });
});

describe('valueDepthPath', () => {
  it('returns the path where a value first nests past the limit, without recursion', () => {
    expect(valueDepthPath({ a: [1, { b: [] }] })).toBeUndefined();
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(valueDepthPath({ a: deep })).toEqual(['a', ...Array.from({ length: MAX_SPEC_DEPTH - 1 }, () => 0)]);
  });

  it('ends on a cycle', () => {
    const cycle: Record<string, unknown> = {};
    cycle['self'] = cycle;
    expect(valueDepthPath(cycle, 5)).toEqual(['self', 'self', 'self', 'self', 'self']);
  });
});
