import { describe, expect, it } from 'vitest';
import { TaskSpecSchema } from '../../task-spec/task-spec.js';
import { readPythonDoc, readTypeScriptDoc, specId, symbolSpec } from './symbol-spec.js';
import type { SourceSymbol } from './source-symbol.js';

describe('readTypeScriptDoc', () => {
  it('reads inline @example lines, doctest lines, @param and @returns', () => {
    const doc = readTypeScriptDoc([
      'Clamps x into [low, high].',
      '>>> clamp(5, 0, 3)',
      '3',
      '@param x - the value',
      '@param low the lower bound',
      '@returns the clamped value',
      '@example clamp(-1, 0, 3) // => 0',
      '@example',
      '```ts',
      'clamp(2, 0, 3) === 2;',
      'clamp(x, 0, 3) // => 1',
      '```',
    ], 'clamp');
    expect(doc.description).toBe('Clamps x into [low, high].');
    expect(doc.parameters).toEqual({ x: 'the value', low: 'the lower bound' });
    expect(doc.returns).toBe('the clamped value');
    expect(doc.testCases.map((t) => [t.inputs, t.expected])).toEqual([[[5, 0, 3], 3], [[-1, 0, 3], 0], [[2, 0, 3], 2]]);
    expect(doc.skipped).toBe(1); // `clamp(x, 0, 3)`: x is not a literal
  });
});

describe('readPythonDoc', () => {
  it('reads doctest examples and keeps the prose', () => {
    const doc = readPythonDoc(['Add two numbers.', '', '>>> add(1, 2)', '3'], 'add');
    expect(doc.description).toBe('Add two numbers.');
    expect(doc.testCases.map((t) => [t.inputs, t.expected])).toEqual([[[1, 2], 3]]);
  });
});

const symbol: SourceSymbol = {
  language: 'typescript', name: 'clamp', inputs: [{ name: 'x', type: 'number' }, { name: 'low', type: 'number' }, { name: 'high', type: 'number' }],
  outputType: 'number', docLines: ['Clamps x.', '@param x - the value', '@example clamp(5, 0, 3) // => 3'], start: 0, end: 10, exported: true,
  isStub: false, lines: 100, context: 'const LIMIT = 3;\n', contextNote: undefined, stub: 'export function clamp(x: number, low: number, high: number): number {\n',
};

describe('symbolSpec', () => {
  it('makes a valid spec from the signature, the doc comment and the file', () => {
    const { spec, docExamples } = symbolSpec(symbol, { path: 'src/clamp.ts' });
    expect(docExamples).toBe(1);
    expect(spec).toMatchObject({
      id: 'clamp', description: 'Clamps x.', language: 'typescript', contextCode: 'const LIMIT = 3;\n', stub: symbol.stub,
      signature: { entryPoint: 'clamp', output: { type: 'number' } }, testCases: [{ inputs: [5, 0, 3], expected: 3 }],
      metadata: { source: 'implement', file: 'src/clamp.ts', symbol: 'clamp' },
    });
    expect(spec.signature.inputs[0]).toEqual({ name: 'x', type: 'number', description: 'the value' });
    expect(spec.limits.maxLines).toBe(150); // 1.5 times the 100 lines it replaces
  });

  it('uses a given spec as it is, adding the doc examples it lacks', () => {
    const given = TaskSpecSchema.parse({
      id: 'clamp', name: 'clamp', description: 'given', language: 'typescript',
      signature: { entryPoint: 'clamp', inputs: symbol.inputs, output: { type: 'number' } },
      testCases: [{ inputs: [9, 0, 3], expected: 3 }],
    });
    const { spec, docExamples } = symbolSpec(symbol, { path: 'src/clamp.ts', given });
    expect(spec.description).toBe('given');
    expect(docExamples).toBe(1);
    expect(spec.testCases.map((t) => t.inputs)).toEqual([[9, 0, 3], [5, 0, 3]]);
  });
});

describe('specId', () => {
  it('is the name, made to fit the spec id rule', () => {
    expect([specId('slugify'), specId('_parse'), specId('$x'), specId('a$b')]).toEqual(['slugify', 'fn_parse', 'fn_x', 'a_b']);
    for (const name of ['_parse', '$x', '__init_db']) expect(TaskSpecSchema.shape.id.safeParse(specId(name)).success).toBe(true);
  });
});
