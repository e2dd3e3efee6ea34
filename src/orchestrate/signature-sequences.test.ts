import { describe, expect, it } from 'vitest';
import { TaskSpecSchema } from '../task-spec/task-spec.js';
import { signatureSequences } from '../verify/generated-sequences.js';

const spec = (sequences: unknown[]) => TaskSpecSchema.parse({
  id: 'counter', name: 'Counter', description: 'A counter.', taskType: 'class', language: 'python',
  signature: { entryPoint: 'Counter', inputs: [{ name: 'start', type: 'int' }], output: { type: 'Counter' } },
  methods: [
    { name: 'add', inputs: [{ name: 'n', type: 'int' }], output: { type: 'int' } },
    { name: 'label', inputs: [{ name: 'text', type: 'str' }, { name: 'times', type: 'int' }], output: { type: 'str' } },
  ],
  sequences,
});

describe('signatureSequences', () => {
  it('gives the visible sequences first, then generated ones built on their constructor arguments', () => {
    const visible = [{ construct: [7], steps: [{ call: 'add', args: [1], expected: 8 }] }];
    const out = signatureSequences({ spec: spec(visible), count: 5, seed: 3 });
    expect(out).toHaveLength(6);
    expect(out[0]).toMatchObject(visible[0] as object);
    for (const generated of out.slice(1)) {
      expect(generated.construct).toEqual([7]);
      expect(generated.steps).toHaveLength(3);
      for (const step of generated.steps) {
        expect(['add', 'label']).toContain(step.call);
        expect(step.args).toHaveLength(step.call === 'add' ? 1 : 2);
        if (step.call === 'label') expect(typeof step.args[0]).toBe('string');
        expect(step.expected).toBeUndefined();
      }
    }
  });

  it('is deterministic for a seed, differs across seeds, and generates constructor arguments without visible sequences', () => {
    const a = signatureSequences({ spec: spec([]), count: 8, seed: 1 });
    expect(signatureSequences({ spec: spec([]), count: 8, seed: 1 })).toEqual(a);
    expect(signatureSequences({ spec: spec([]), count: 8, seed: 2 })).not.toEqual(a);
    expect(a.every((sequence) => sequence.construct.length === 1 && Number.isInteger(sequence.construct[0]))).toBe(true);
    expect(new Set(a.map((sequence) => JSON.stringify(sequence.steps))).size).toBeGreaterThan(4);
  });

  it('count 0 keeps the visible sequences only', () => {
    expect(signatureSequences({ spec: spec([]), count: 0 })).toEqual([]);
  });
});
