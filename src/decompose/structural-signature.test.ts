import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { DecompositionProposal } from './decomposition-proposal.js';
import { normaliseType, structuralSignature } from './structural-signature.js';
import { baseProposal, differentProposal, renamed, subtask } from './testing/proposals.js';

const key = (proposal: DecompositionProposal) => structuralSignature(proposal).classKey;

describe('structuralSignature', () => {
  test('canonical JSON of sorted functions and entry-point edges; key is a 16-hex prefix of its SHA-256', () => {
    const signature = structuralSignature(baseProposal());
    expect(signature.signature).toBe(
      '{"functions":[["calculate",["string"],"number"],["evaluateTokens",["string[]"],"number"],["tokenize",["string"],"string[]"]],' +
      '"edges":[["calculate","evaluateTokens"],["calculate","tokenize"]]}',
    );
    expect(signature.classKey).toMatch(/^[0-9a-f]{16}$/);
  });

  test('ids, names, descriptions, parameter names, tests, estimates, type whitespace and order are ignored', () => {
    for (const variant of [1, 2, 7]) expect(key(renamed(baseProposal(), variant))).toBe(key(baseProposal()));
  });

  test('a different type, entry point or edge changes the key', () => {
    const base = baseProposal();
    expect(key(differentProposal())).not.toBe(key(base));
    const renamedEntry = { subtasks: base.subtasks.map((item) => item.id === 'tokenize' ? { ...item, signature: { ...item.signature, entryPoint: 'lex' } } : item) };
    expect(key(renamedEntry)).not.toBe(key(base));
    const fewerEdges = { subtasks: base.subtasks.map((item) => item.id === 'calculate' ? { ...item, dependencies: ['tokenize'] } : item) };
    expect(key(fewerEdges)).not.toBe(key(base));
    const swappedInputs = { subtasks: [subtask('a', 'f', [{ name: 'x', type: 'string' }, { name: 'y', type: 'number' }], 'number', [])] };
    const reordered = { subtasks: [subtask('a', 'f', [{ name: 'x', type: 'number' }, { name: 'y', type: 'string' }], 'number', [])] };
    expect(key(swappedInputs)).not.toBe(key(reordered));
  });

  test('normaliseType collapses whitespace and drops it around punctuation', () => {
    expect(normaliseType('  Record< string ,  number [] > ')).toBe('Record<string,number[]>');
    expect(normaliseType('readonly   string[]')).toBe('readonly string[]');
    expect(normaliseType('Dict[str,  List[int]]')).toBe('Dict[str,List[int]]');
  });

  test('property: permuting subtasks (and their dependency lists) never changes the key', () => {
    const proposals = fc.integer({ min: 1, max: 8 }).chain((size) => fc.record({
      types: fc.array(fc.constantFrom('number', 'string', 'boolean', 'number[]', 'string | null'), { minLength: size, maxLength: size }),
      edges: fc.array(fc.tuple(fc.nat(size - 1), fc.nat(size - 1)), { maxLength: size * 2 }),
      order: fc.shuffledSubarray([...Array(size).keys()], { minLength: size, maxLength: size }),
    }).map(({ types, edges, order }) => {
      // Edges only from a higher to a lower index: always a DAG.
      const deps = (index: number) => [...new Set(edges.filter(([a, b]) => a === index && b < a).map(([, b]) => `t${b}`))];
      const subtasks = types.map((type, index) => subtask(`t${index}`, `f${index}`, [{ name: 'x', type }], type, deps(index)));
      const permuted = order.map((index) => {
        const item = subtasks[index] as (typeof subtasks)[number];
        return { ...item, id: `p-${item.id}`, dependencies: [...item.dependencies].reverse().map((id) => `p-${id}`) };
      });
      return { original: { subtasks }, permuted: { subtasks: permuted } };
    }));
    fc.assert(fc.property(proposals, ({ original, permuted }) => {
      expect(key(permuted)).toBe(key(original));
    }), { numRuns: 200 });
  });
});

describe('structuralSignature of class subtasks', () => {
  const klass = (methods: { name: string; type: string }[]): DecompositionProposal => ({
    subtasks: [{
      ...subtask('stack', 'Stack', [], 'Stack', []), taskType: 'class',
      methods: methods.map((m) => ({ name: m.name, inputs: [], output: { type: m.type }, preconditions: [], postconditions: [] })), fields: [{ name: 'size', type: 'number' }],
    }],
  });

  test('a class\'s methods and fields are part of its structure, in any order', () => {
    const base = klass([{ name: 'pop', type: 'number' }, { name: 'peek', type: 'number' }]);
    expect(structuralSignature(base).signature).toBe(
      '{"functions":[["Stack",[],"Stack",{"methods":["[\\"peek\\",[],\\"number\\"]","[\\"pop\\",[],\\"number\\"]"],"fields":["[\\"size\\",\\"number\\"]"]}]],"edges":[]}',
    );
    expect(key(klass([{ name: 'peek', type: 'number' }, { name: 'pop', type: 'number' }]))).toBe(key(base));
    expect(key(klass([{ name: 'pop', type: 'number' }]))).not.toBe(key(base));
    expect(key(klass([{ name: 'pop', type: 'string' }, { name: 'peek', type: 'number' }]))).not.toBe(key(base));
  });
});

describe('structuralSignature of a service', () => {
  test('its routes (method, path template, handler entry point) are part of the structure; parameter names are not', () => {
    const base = baseProposal();
    const withService = (path: string, method: 'GET' | 'POST'): DecompositionProposal => ({
      ...base, service: { initialState: null, routes: [{ method, path, handler: 'calculate' }], scenario: [{ method, path: '/x', status: 200 }] },
    });
    expect(structuralSignature(withService('/calc/{id}', 'GET')).signature).toContain(',"routes":[["GET","/calc/{}","calculate"]]}');
    expect(key(withService('/calc/{id}', 'GET'))).toBe(key(withService('/calc/{key}', 'GET')));
    expect(key(withService('/calc/{id}', 'GET'))).not.toBe(key(withService('/calc/{id}', 'POST')));
    expect(key(withService('/calc/{id}', 'GET'))).not.toBe(key(base));
  });
});
