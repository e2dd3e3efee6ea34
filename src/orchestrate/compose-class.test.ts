/**
 * Composing a class method by method, in the real sandbox, on three HAND-WRITTEN samples of a counter (not model
 * output), each wrong in a different method: no whole sample is right, and every method is right in two of three.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { BwrapSandbox } from '../sandbox/bwrap/bwrap-sandbox.js';
import { SandboxCandidateRunner } from '../sandbox/sandbox-candidate-runner.js';
import { TaskSpecSchema } from '../task-spec/task-spec.js';
import { judgeSequence } from '../verify/layers/unit-tests.js';
import { composeByMethodVote, composeClass, splitClasses, type SplitSample } from './compose-class.js';
import { runSequencesForSignature } from './signature-sequences.js';
import { signatureSequences } from '../verify/generated-sequences.js';

const sandbox = new BwrapSandbox();
const runner = new SandboxCandidateRunner({ sandbox });
afterAll(() => sandbox.close());

const spec = TaskSpecSchema.parse({
  id: 'counter', name: 'Counter', description: 'A counter.', taskType: 'class', language: 'python',
  signature: { entryPoint: 'Counter', inputs: [{ name: 'start', type: 'int' }], output: { type: 'Counter' } },
  methods: [
    { name: 'inc', inputs: [{ name: 'by', type: 'int' }], output: { type: 'int' } },
    { name: 'dec', inputs: [{ name: 'by', type: 'int' }], output: { type: 'int' } },
    { name: 'get', inputs: [], output: { type: 'int' } },
  ],
  sequences: [
    { construct: [1], steps: [{ call: 'inc', args: [2], expected: 3 }, { call: 'get', expected: 3 }] },
    { construct: [5], steps: [{ call: 'dec', args: [2], expected: 3 }] },
  ],
});

const sample = (inc: string, dec: string, get: string, extra = ''): string => `import math

class Counter:
    def __init__(self, start):
        self.n = start
${extra}
    def inc(self, by):
        ${inc}
        return self.n

    def dec(self, by):
        ${dec}
        return self.n

    def get(self):
        return ${get}
`;

const samples = [
  sample('self.n += by', 'self.n -= 2 * by', 'self.n'),
  sample('self.n += by + 1', 'self.n -= by', 'self.n'),
  sample('self.n = self._add(by)', 'self.n -= by', 'self.n + 1', '\n    def _add(self, by):\n        return self.n + by\n'),
];

describe('splitClasses', () => {
  it('finds each method with its lines, the imports, and null for code without the class or not Python', async () => {
    const [layout, missing, broken] = await splitClasses({ runner, language: 'python', className: 'Counter', sources: [samples[0] ?? '', 'class Other:\n    pass\n', 'class Counter(:\n'] });
    expect(layout?.imports).toEqual(['import math']);
    expect(layout?.members.map((m) => [m.name, m.start, m.end])).toEqual([['__init__', 4, 5], ['inc', 7, 9], ['dec', 11, 13], ['get', 15, 16]]);
    expect(layout?.bodyIndent).toBe(4);
    expect(missing).toBeNull();
    expect(broken).toBeNull();
  }, 60_000);
});

describe('composeClass', () => {
  it('replaces a method, brings the helper it calls, and keeps the rest of the base', async () => {
    const layouts = await splitClasses({ runner, language: 'python', className: 'Counter', sources: samples });
    const split = samples.map((code, i) => ({ code, layout: layouts[i] })) as SplitSample[];
    const [base, , donor] = split as [SplitSample, SplitSample, SplitSample];
    const code = composeClass(base, new Map([['inc', donor]]));
    expect(code).toContain('self.n = self._add(by)');
    expect(code).toContain('def _add(self, by):');
    expect(code).not.toContain('self.n += by\n');
    expect(code).toContain('self.n -= 2 * by');
    const [again] = await splitClasses({ runner, language: 'python', className: 'Counter', sources: [code] });
    expect(again?.members.map((m) => m.name)).toEqual(['__init__', 'inc', 'dec', 'get', '_add']);
  }, 60_000);
});

describe('composeByMethodVote', () => {
  it('composes a class that passes every visible sequence from samples that each fail one', async () => {
    const layouts = await splitClasses({ runner, language: 'python', className: 'Counter', sources: samples });
    const split = samples.map((code, i) => ({ code, layout: layouts[i] })) as SplitSample[];
    const sequences = signatureSequences({ spec, count: 6, seed: 7 });
    const passes = async (code: string): Promise<number> => {
      const run = await runSequencesForSignature({ runner, spec, code, sequences });
      if (run.kind !== 'ran') return -1;
      return spec.sequences.filter((_, i) => judgeSequence(spec, i, run.raw[i] ?? { kind: 'timeout' }).passed).length;
    };
    for (const code of samples) expect(await passes(code)).toBeLessThan(2);
    const composed = await composeByMethodVote({ spec, runner, samples: split, baseIndex: 0, sequences });
    expect(await passes(composed.code)).toBe(2);
    expect(composed.methods.map((m) => [m.method, m.winner])).toEqual([['inc', 0], ['dec', 1], ['get', 0]]);
    expect(composed.changed).toBe(1);
    expect(composed.methods.find((m) => m.method === 'inc')).toMatchObject({ voters: 3, discarded: 1 });
  }, 120_000);
});
