import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runInNewContext } from 'node:vm';
import { compileSimpleExpression, isPlainJavaScriptExpression, SimpleEvaluationError, simpleExpressionType, type SimpleType } from './simple-expression.js';
import { typeScriptDiagnostics } from './typescript-program.js';

const names = new Map<string, SimpleType>([['x', 'number'], ['low', 'number'], ['s', 'string'], ['flag', 'boolean']]);
const declarations = 'declare const x: number; declare const low: number; declare const s: string; declare const flag: boolean;\n';

/** What the compiler says of `expression` as a boolean over the same names. */
function compilerAccepts(expression: string): boolean {
  return typeScriptDiagnostics(`${declarations}const __v: boolean = (\n${expression}\n);\n`).length === 0;
}

describe('simpleExpressionType', () => {
  it.each([
    ['low <= x', 'boolean'],
    ['x >= 0 && x <= 100 || flag', 'boolean'],
    ['!(x === low)', 'boolean'],
    ['-x * 2 + 1', 'number'],
    ["s + 'a'", 'string'],
    ["s === 'a' && s !== \"b\"", 'boolean'],
    ['x % 2 === 0', 'boolean'],
    ['1e3 > x', 'boolean'],
  ] as const)('types %j as %s', (expression, type) => {
    expect(simpleExpressionType(expression, names)).toBe(type);
  });

  it.each([
    'result.lenght > 0', 'Math.abs(x) > 0', 'undefinedVar > 0', 'x === s', '1 === 2', 'flag < flag', 'x > ', 's - 1',
    'x && flag', 'x ? 1 : 2', 'xs[0] > 0', '010 > x', "s === 'a\\'b'", '(x > 0', 'x > 0)',
  ])('leaves %j to the compiler', (expression) => {
    expect(simpleExpressionType(expression, names)).toBeUndefined();
  });

  it('refuses an expression nested beyond the stack instead of throwing', () => {
    expect(simpleExpressionType(`${'('.repeat(100_000)}x > 0${')'.repeat(100_000)}`, names)).toBeUndefined();
  });

  it('never accepts a boolean expression the TypeScript compiler rejects (property, 150 random expressions)', () => {
    const leaf = fc.constantFrom('x', 'low', 's', 'flag', '0', '1.5', "'a'", 'true', 'false', 'result', 'NaN');
    const expression: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
      e: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.tuple(tie('e'), fc.constantFrom('===', '!==', '==', '<', '<=', '>', '>=', '&&', '||', '+', '-', '*', '/', '%'), tie('e')).map(([a, op, b]) => `${a} ${op} ${b}`),
        tie('e').map((e) => `(${e})`),
        tie('e').map((e) => `!${e}`),
        tie('e').map((e) => `-${e}`),
      ),
    })).e;
    let accepted = 0;
    fc.assert(fc.property(expression, (text) => {
      if (simpleExpressionType(text, names) !== 'boolean') return true;
      accepted += 1;
      return compilerAccepts(text);
    }), { numRuns: 150, seed: 7 });
    expect(accepted).toBeGreaterThan(10); // the property is not vacuous
  });
});

describe('isPlainJavaScriptExpression', () => {
  it('accepts only the syntax JavaScript reads as TypeScript does', () => {
    expect(isPlainJavaScriptExpression('low <= high && x !== 0')).toBe(true);
    expect(isPlainJavaScriptExpression('(x as number) > 0')).toBe(false);
    expect(isPlainJavaScriptExpression('xs.length > 0')).toBe(false);
    expect(isPlainJavaScriptExpression('')).toBe(false);
  });
});

describe('compileSimpleExpression', () => {
  const scopeOf = (values: Record<string, unknown>): Map<string, unknown> => new Map(Object.entries(values));

  it.each([
    ['low <= x', { x: 5, low: 0 }, true],
    ['low <= x', { x: -3, low: 0 }, false],
    ['1 + 2 * 3 - x % 4', { x: 7 }, 4],
    ['-x * 2 + 1', { x: 3 }, -5],
    ["s + 'a' + x", { s: 'b', x: 1 }, 'ba1'],
    ['!(x === low) || flag', { x: 1, low: 1, flag: false }, false],
    ['x >= 0 && x <= 100', { x: Number.NaN }, false],
    ['x !== x', { x: Number.NaN }, true],
    ['1 / x < 0', { x: -0 }, true],
  ] as const)('evaluates %j over %j to %j', (expression, values, expected) => {
    const compiled = compileSimpleExpression(expression, names);
    expect(compiled).toBeDefined();
    expect(compiled?.evaluate(scopeOf(values))).toBe(expected);
  });

  it('short-circuits like JavaScript: the right operand of || is not read when the left holds', () => {
    const compiled = compileSimpleExpression('flag || x > 0', names);
    expect(compiled?.evaluate(scopeOf({ flag: true }))).toBe(true); // x unbound, never read
    expect(() => compiled?.evaluate(scopeOf({ flag: false }))).toThrow(SimpleEvaluationError);
  });

  it('refuses a value that is not of the name\'s declared type instead of coercing it', () => {
    const compiled = compileSimpleExpression('x > low', names);
    expect(() => compiled?.evaluate(scopeOf({ x: '5', low: 0 }))).toThrow(/x is declared number but holds a string/);
    expect(() => compiled?.evaluate(scopeOf({ x: 5n, low: 0 }))).toThrow(SimpleEvaluationError);
  });

  it('compiles exactly what simpleExpressionType types, and nothing the compiler path must decide', () => {
    for (const expression of ['result.lenght > 0', 'Math.abs(x) > 0', 'x === s', 'x ? 1 : 2', '']) {
      expect(compileSimpleExpression(expression, names)).toBeUndefined();
    }
    expect(compileSimpleExpression('x + low', names)?.type).toBe('number');
  });

  it('agrees with JavaScript itself on random expressions and values, NaN, -0 and Infinity included (property, 400 cases)', () => {
    const leaf = fc.constantFrom('x', 'low', 's', 'flag', '0', '1.5', '2e3', "'a'", '""', 'true', 'false');
    const operators = ['===', '!==', '==', '!=', '<', '<=', '>', '>=', '&&', '||', '+', '-', '*', '/', '%'];
    const expression: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
      e: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.tuple(tie('e'), fc.constantFrom(...operators), tie('e'), fc.constantFrom(' ', '')).map(([a, op, b, gap]) => `${a}${gap}${op}${gap}${b}`),
        tie('e').map((e) => `(${e})`),
        tie('e').map((e) => `!${e}`),
        tie('e').map((e) => `- ${e}`),
        tie('e').map((e) => `+${e}`),
      ),
    })).e;
    const number = fc.oneof(fc.double(), fc.constantFrom(0, -0, Number.NaN, Infinity, -Infinity, 1, 2), fc.integer({ min: -5, max: 5 }));
    const values = fc.record({ x: number, low: number, s: fc.string({ maxLength: 4 }), flag: fc.boolean() });
    let compiled = 0;
    fc.assert(fc.property(expression, values, (text, scope) => {
      const simple = compileSimpleExpression(text, names);
      if (simple === undefined) return true;
      compiled += 1;
      const actual = simple.evaluate(scopeOf(scope));
      const expected: unknown = runInNewContext(text, { ...scope });
      return Object.is(actual, expected) && typeof actual === simple.type;
    }), { numRuns: 400, seed: 11 });
    expect(compiled).toBeGreaterThan(100); // the property is not vacuous
  });
});
