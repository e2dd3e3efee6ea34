import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPlainJavaScriptExpression, simpleExpressionType, type SimpleType } from './simple-expression.js';
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
