import { describe, expect, it } from 'vitest';
import { parseTypeScriptCall, parseTypeScriptLiteral } from './typescript-literal.js';

const value = (source: string): unknown => {
  const result = parseTypeScriptLiteral(source);
  if (!result.ok) throw new Error(`${source}: ${result.error}`);
  return result.value;
};

describe('parseTypeScriptLiteral', () => {
  it('reads scalars', () => {
    expect(value('3')).toBe(3);
    expect(value('-3.5e2')).toBe(-350);
    expect(value('0x10')).toBe(16);
    expect(value('1_000')).toBe(1000);
    expect(value('"a\\n"')).toBe('a\n');
    expect(value("'x'")).toBe('x');
    expect(value('`tpl`')).toBe('tpl');
    expect(value('true')).toBe(true);
    expect(value('false')).toBe(false);
    expect(value('null')).toBeNull();
    expect(value('undefined')).toBeNull();
  });

  it('reads arrays, tuples, objects and assertions', () => {
    expect(value('[1, [2, "b"], []]')).toEqual([1, [2, 'b'], []]);
    expect(value('[1, 2] as [number, number]')).toEqual([1, 2]);
    expect(value('{a: 1, "b c": [true], 3: null}')).toEqual({ a: 1, 'b c': [true], '3': null });
    expect(value('({ x: -1 })')).toEqual({ x: -1 });
    expect(value('[\n  1,\n  2\n]')).toEqual([1, 2]);
  });

  it('reports non-literals without throwing', () => {
    expect(parseTypeScriptLiteral('x')).toMatchObject({ ok: false, error: 'Identifier is not a literal' });
    expect(parseTypeScriptLiteral('1 + 2')).toMatchObject({ ok: false });
    expect(parseTypeScriptLiteral('`a${b}`')).toMatchObject({ ok: false });
    expect(parseTypeScriptLiteral('[...a]')).toMatchObject({ ok: false });
    expect(parseTypeScriptLiteral('[1, , 2]')).toMatchObject({ ok: false });
    expect(parseTypeScriptLiteral('{a}')).toMatchObject({ ok: false });
    expect(parseTypeScriptLiteral('[1, 2')).toMatchObject({ ok: false });
    expect(parseTypeScriptLiteral('1); evil(')).toMatchObject({ ok: false });
    expect(parseTypeScriptLiteral('NaN')).toMatchObject({ ok: false });
    expect(parseTypeScriptLiteral('')).toMatchObject({ ok: false });
    expect(parseTypeScriptLiteral('[1, foo]')).toMatchObject({ ok: false, offset: 4 });
  });
});

describe('parseTypeScriptCall', () => {
  it('reads a call with literal arguments', () => {
    expect(parseTypeScriptCall(' has_close_elements([1.0, 2.0, 3.0], 0.5)')).toEqual({
      ok: true,
      value: { callee: 'has_close_elements', args: [[1, 2, 3], 0.5] },
    });
    expect(parseTypeScriptCall('a.b.f([])')).toMatchObject({ ok: true, value: { callee: 'a.b.f', args: [[]] } });
  });

  it('rejects other expressions', () => {
    expect(parseTypeScriptCall('f(g(1))')).toMatchObject({ ok: false });
    expect(parseTypeScriptCall('f(1) == 2')).toMatchObject({ ok: false });
    expect(parseTypeScriptCall('[1]')).toMatchObject({ ok: false, error: 'expected a call expression' });
    expect(parseTypeScriptCall('f<number>(1)')).toMatchObject({ ok: false });
  });
});
