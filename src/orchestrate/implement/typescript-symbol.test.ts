import { describe, expect, it } from 'vitest';
import { locateTypeScriptSymbol } from './typescript-symbol.js';

const FILE = `import { readFileSync } from 'node:fs';

/**
 * Adds two numbers.
 * @example add(1, 2) // => 3
 */
export function add(a: number, b: number): number {
  throw new Error('not implemented');
}

export function twice(x: number): number {
  return add(x, x);
}

export const half = (x: number): number => x / 2;
function untyped(x): number { return x; }
`;

describe('locateTypeScriptSymbol', () => {
  it('reads the signature, the JSDoc, the span after the JSDoc, and the file around it as context', () => {
    const located = locateTypeScriptSymbol(FILE, 'src/math.ts', 'add');
    if (!located.ok) throw new Error(located.message);
    const { symbol } = located;
    expect(symbol).toMatchObject({ language: 'typescript', name: 'add', outputType: 'number', exported: true, isStub: true, lines: 3 });
    expect(symbol.inputs).toEqual([{ name: 'a', type: 'number' }, { name: 'b', type: 'number' }]);
    expect(symbol.docLines).toEqual(['Adds two numbers.', '@example add(1, 2) // => 3']);
    expect(FILE.slice(symbol.start, symbol.end)).toBe("export function add(a: number, b: number): number {\n  throw new Error('not implemented');\n}");
    // A node: import can stand beside the candidate in the sandbox; the JSDoc does not stay behind in the context.
    expect(symbol.context).toContain("import { readFileSync } from 'node:fs';");
    expect(symbol.context).toContain('export function twice');
    expect(symbol.context).not.toContain('Adds two numbers');
    expect(symbol.stub).toBe('/**\n * Adds two numbers.\n * @example add(1, 2) // => 3\n */\nexport function add(a: number, b: number): number {\n');
  });

  it('finds the only stub when no name is given; a body that does something is not a stub', () => {
    const located = locateTypeScriptSymbol(FILE, 'src/math.ts', undefined);
    expect(located.ok && located.symbol.name).toBe('add');
    const twice = locateTypeScriptSymbol(FILE, 'src/math.ts', 'twice');
    expect(twice.ok && twice.symbol.isStub).toBe(false);
    expect(locateTypeScriptSymbol('export function a(): number { return 1; }\n', 'a.ts', undefined))
      .toEqual({ ok: false, message: 'name the function to implement (a.ts#<name>): the file holds no stub; its functions: a' });
  });

  it('says why a symbol cannot be implemented', () => {
    expect(locateTypeScriptSymbol(FILE, 'src/math.ts', 'sub')).toEqual({ ok: false, message: 'no top-level function declaration named sub; the file declares: add, twice, untyped' });
    expect(locateTypeScriptSymbol(FILE, 'src/math.ts', 'half')).toMatchObject({ ok: false, message: expect.stringContaining('half is a variable (an arrow function or function expression)') as unknown });
    expect(locateTypeScriptSymbol(FILE, 'src/math.ts', 'untyped')).toMatchObject({ ok: false, message: expect.stringContaining('untyped: parameter x has no type annotation') as unknown });
    expect(locateTypeScriptSymbol('export function g(x: number) { return x; }\n', 'g.ts', 'g')).toMatchObject({ ok: false, message: expect.stringContaining('g has no return type annotation') as unknown });
  });

  it('leaves the context out when the file imports project modules, and says so', () => {
    const located = locateTypeScriptSymbol(`import { pad } from './pad.js';\n\nexport function f(x: string): string {\n  throw new Error('TODO');\n}\n`, 'f.ts', 'f');
    if (!located.ok) throw new Error(located.message);
    expect(located.symbol.context).toBeUndefined();
    expect(located.symbol.contextNote).toContain('the file imports ./pad.js');
  });
});
