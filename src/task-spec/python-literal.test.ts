import { describe, expect, it } from 'vitest';
import { parsePythonCall, parsePythonCallPrefix, parsePythonLiteral } from './python-literal.js';

const value = (source: string): unknown => {
  const result = parsePythonLiteral(source);
  if (!result.ok) throw new Error(`${source}: ${result.error}`);
  return result.value;
};
const failure = (source: string): string => {
  const result = parsePythonLiteral(source);
  if (result.ok) throw new Error(`${source} parsed as ${JSON.stringify(result.value)}`);
  return result.error;
};

describe('parsePythonLiteral', () => {
  it('reads numbers', () => {
    expect(value('42')).toBe(42);
    expect(value('-7')).toBe(-7);
    expect(value('- 3.5')).toBe(-3.5);
    expect(value('1e3')).toBe(1000);
    expect(value('-2.5E-2')).toBe(-0.025);
    expect(value('.5')).toBe(0.5);
    expect(value('1.')).toBe(1);
    expect(value('1_000')).toBe(1000);
    expect(value('0x1F')).toBe(31);
    expect(value('0o17')).toBe(15);
    expect(value('0b101')).toBe(5);
    expect(value('+4')).toBe(4);
    expect(value('-0')).toBe(0);
  });

  it('reads strings with every quote kind, prefix and escape', () => {
    expect(value(`'a"b'`)).toBe('a"b');
    expect(value(`"it's"`)).toBe("it's");
    expect(value(`'''x\ny'''`)).toBe('x\ny');
    expect(value(`"""q"""`)).toBe('q');
    expect(value(String.raw`'a\nb\t\\\'\x41\u00e9\101\U0001F600'`)).toBe("a\nb\t\\'Aé" + 'A\u{1F600}');
    expect(value(String.raw`r'a\nb\''`)).toBe(String.raw`a\nb\'`);
    expect(value(String.raw`b'ab\x00'`)).toBe('ab\0');
    expect(value(String.raw`b'\u0041'`)).toBe(String.raw`\u0041`);
    expect(value(String.raw`'\d'`)).toBe(String.raw`\d`);
    expect(value(`u'x' "y"`)).toBe('xy');
    expect(value(`f'{{a}}'`)).toBe('{a}');
    expect(value(`'a\\\nb'`)).toBe('ab');
  });

  it('reads constants and containers', () => {
    expect(value('True')).toBe(true);
    expect(value('False')).toBe(false);
    expect(value('None')).toBeNull();
    expect(value('[1, [2, 3], []]')).toEqual([1, [2, 3], []]);
    expect(value('(1, 2)')).toEqual([1, 2]);
    expect(value('(1,)')).toEqual([1]);
    expect(value('()')).toEqual([]);
    expect(value('(5)')).toBe(5);
    expect(value("{'a': 1, 2: 'b', True: None, None: [1,]}")).toEqual({ a: 1, '2': 'b', true: null, null: [1] });
    expect(value('{}')).toEqual({});
    expect(value("{3, 1, 2, 1, 'a'}")).toEqual([1, 2, 3, 'a']);
    expect(value("[\n  (1, 'x'),\n  {'k': (None, -1.5)}\n]")).toEqual([[1, 'x'], { k: [null, -1.5] }]);
  });

  it('keeps __proto__ as a plain key', () => {
    const result = value("{'__proto__': 1}") as Record<string, unknown>;
    expect(Object.keys(result)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
  });

  it('reports what it cannot read, without throwing', () => {
    expect(failure('x')).toContain('x is not a literal');
    expect(failure('1 + 2')).toContain('unexpected');
    expect(failure('1j')).toContain('complex');
    expect(failure("f'{x}'")).toContain('f-strings');
    expect(failure('12345678901234567890')).toContain('2^53');
    expect(failure("'open")).toContain('unterminated');
    expect(failure('[1, 2')).toBeTruthy();
    expect(failure('-"a"')).toContain('numbers only');
    expect(failure("{[1]: 2}")).toContain('dict keys');
    expect(failure('012')).toContain('leading zeros');
    expect(failure('')).toContain('end of input');
    expect(failure('['.repeat(5000))).toContain('nested too deeply');
    const result = parsePythonLiteral('[1, foo]');
    expect(result).toMatchObject({ ok: false, offset: 4 });
  });
});

describe('parsePythonCall', () => {
  it('reads calls with literal arguments', () => {
    expect(parsePythonCall("has_close_elements([1.0, 2.0], 0.5)")).toEqual({
      ok: true,
      value: { callee: 'has_close_elements', args: [[1, 2], 0.5] },
    });
    expect(parsePythonCall('m.f()')).toEqual({ ok: true, value: { callee: 'm.f', args: [] } });
    expect(parsePythonCall("f('a', (1, 2),)")).toMatchObject({ ok: true, value: { args: ['a', [1, 2]] } });
  });

  it('rejects non-literal arguments, keyword arguments and trailing text', () => {
    expect(parsePythonCall('f(g(1))')).toMatchObject({ ok: false });
    expect(parsePythonCall('f(x=1)')).toMatchObject({ ok: false, error: 'keyword arguments are not supported' });
    expect(parsePythonCall('f(*xs)')).toMatchObject({ ok: false });
    expect(parsePythonCall('f(1) == 2')).toMatchObject({ ok: false });
    expect(parsePythonCall('round(f(1), 2)')).toMatchObject({ ok: false });
  });

  it('reads a call prefix and says where it ends', () => {
    const result = parsePythonCallPrefix("f('a)') == 3");
    expect(result).toMatchObject({ ok: true, value: { callee: 'f', args: ['a)'] }, end: 7 });
  });
});
