import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTypeRef, parseTypeScriptTypeWithCompiler, unionOf, type TypeRef } from './type-ref.js';

const integer: TypeRef = { kind: 'integer' };
const float: TypeRef = { kind: 'float' };
const number: TypeRef = { kind: 'number' };
const string: TypeRef = { kind: 'string' };
const boolean: TypeRef = { kind: 'boolean' };
const any: TypeRef = { kind: 'any' };
const nul: TypeRef = { kind: 'null' };

describe('parseTypeRef (typescript)', () => {
  const ts = (text: string): TypeRef => parseTypeRef('typescript', text);

  it.each<[string, TypeRef]>([
    ['number', number],
    ['string', string],
    ['boolean', boolean],
    ['null', nul],
    ['undefined', { kind: 'null', undefined: true }],
    ['void', { kind: 'null', undefined: true }],
    ['any', any],
    ['unknown', any],
    ['number[]', { kind: 'array', element: number }],
    ['readonly string[]', { kind: 'array', element: string }],
    ['Array<number>', { kind: 'array', element: number }],
    ['number[][]', { kind: 'array', element: { kind: 'array', element: number } }],
    ['[number, string]', { kind: 'tuple', elements: [number, string] }],
    ['[x: number, y: boolean]', { kind: 'tuple', elements: [number, boolean] }],
    ['Record<string, number>', { kind: 'record', key: string, value: number }],
    ['{ [key: string]: boolean }', { kind: 'record', key: string, value: boolean }],
    [
      '{a: number; b?: string}',
      { kind: 'object', fields: [{ name: 'a', type: number, optional: false }, { name: 'b', type: string, optional: true }] },
    ],
    ['number | string', { kind: 'union', members: [number, string] }],
    ['number | null', { kind: 'optional', inner: number }],
    ['(number | undefined)[]', { kind: 'array', element: { kind: 'optional', inner: number, undefined: true } }],
    ['number | null | undefined', { kind: 'optional', inner: number }],
    ['[number, string?]', { kind: 'tuple', elements: [number, { kind: 'optional', inner: string, undefined: true }] }],
    ["'a' | 'b'", string],
    ['(string)', string],
    ['Array<[number, number]>', { kind: 'array', element: { kind: 'tuple', elements: [number, number] } }],
    ['Map<string, number>', { kind: 'record', key: string, value: number, container: 'map' }],
    ['ReadonlyMap<number, string[]>', { kind: 'record', key: number, value: { kind: 'array', element: string }, container: 'map' }],
    ['Set<number>', { kind: 'array', element: number, container: 'set' }],
    ['bigint', { kind: 'bigint' }],
    ['Date', { kind: 'date' }],
    ['Date | null', { kind: 'optional', inner: { kind: 'date' } }],
  ])('%s', (text, expected) => {
    expect(ts(text)).toEqual(expected);
  });

  it.each(['Map<string, number>', 'Set<number>', 'bigint', 'Date', 'Map<string, Set<bigint>>'])('the compiler path reads %s as the fast path does', (text) => {
    expect(parseTypeScriptTypeWithCompiler(text)).toEqual(ts(text));
  });

  it('maps unknown or malformed types to any', () => {
    expect(ts('Foo<number>')).toEqual(any);
    expect(ts('(x: number) => number')).toEqual(any);
    expect(ts('number[')).toEqual(any);
    expect(ts('number; let x = 1')).toEqual(any);
    expect(ts('')).toEqual(any);
  });
});

describe('parseTypeRef (python)', () => {
  const py = (text: string): TypeRef => parseTypeRef('python', text);

  it.each<[string, TypeRef]>([
    ['int', integer],
    ['float', float],
    ['str', string],
    ['bool', boolean],
    ['None', nul],
    ['Any', any],
    ['List[int]', { kind: 'array', element: integer }],
    ['list[str]', { kind: 'array', element: string }],
    ['typing.List[float]', { kind: 'array', element: float }],
    ['List[List[int]]', { kind: 'array', element: { kind: 'array', element: integer } }],
    ['Tuple[int, str]', { kind: 'tuple', elements: [integer, string] }],
    ['tuple[int, int]', { kind: 'tuple', elements: [integer, integer] }],
    ['Tuple[int, ...]', { kind: 'array', element: integer, container: 'tuple' }],
    ['Set[int]', { kind: 'array', element: integer, container: 'set' }],
    ['set', { kind: 'array', element: any, container: 'set' }],
    ['FrozenSet[str]', { kind: 'array', element: string, container: 'frozenset' }],
    ['Dict[int, Set[str]]', { kind: 'record', key: integer, value: { kind: 'array', element: string, container: 'set' } }],
    ['bytes', { kind: 'bytes' }],
    ['bytearray', { kind: 'bytes' }],
    ['Dict[str, int]', { kind: 'record', key: string, value: integer }],
    ['dict[str, List[int]]', { kind: 'record', key: string, value: { kind: 'array', element: integer } }],
    ['Optional[int]', { kind: 'optional', inner: integer }],
    ['Union[int, str]', { kind: 'union', members: [integer, string] }],
    ['Union[int, None]', { kind: 'optional', inner: integer }],
    ['int | None', { kind: 'optional', inner: integer }],
    ['Optional[Union[int, float]]', { kind: 'optional', inner: { kind: 'union', members: [integer, float] } }],
    ['list', { kind: 'array', element: any }],
    ['dict', { kind: 'record', key: any, value: any }],
    ['tuple', { kind: 'array', element: any, container: 'tuple' }],
    ["'List[int]'", { kind: 'array', element: integer }],
  ])('%s', (text, expected) => {
    expect(py(text)).toEqual(expected);
  });

  it('maps unknown or malformed annotations to any', () => {
    expect(py('Callable[[int], int]')).toEqual(any);
    expect(py('MyClass')).toEqual(any);
    expect(py('List[int')).toEqual(any);
    expect(py('List[int]]')).toEqual(any);
    expect(py('')).toEqual(any);
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.constantFrom('typescript' as const, 'python' as const), fc.string({ maxLength: 30 }), (language, text) => {
        const result = parseTypeRef(language, text);
        expect(typeof result.kind).toBe('string');
      }),
    );
  });
});

describe('unionOf', () => {
  it('flattens, dedupes and lifts null into optional', () => {
    expect(unionOf([integer, { kind: 'union', members: [integer, string] }, nul])).toEqual({
      kind: 'optional',
      inner: { kind: 'union', members: [integer, string] },
    });
    expect(unionOf([nul])).toEqual(nul);
    expect(unionOf([integer, any])).toEqual(any);
  });
});
