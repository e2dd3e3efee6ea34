import { describe, expect, it } from 'vitest';
import { TaskSpecSchema } from '../task-spec/task-spec.js';
import { MAX_SEQUENCE_MS, moduleSequenceDriver, readSequenceOutcome, sequenceCall, sequenceDriver, sequenceTimeoutMs } from './class-sequences.js';

describe('class sequences', () => {
  it('passes each step to the driver as a call, a field read or an assignment', () => {
    expect(sequenceCall({ construct: [1], steps: [
      { call: 'add', args: [2], expectThrows: false }, { field: 'total', args: [], expectThrows: false },
      { set: 'total', value: [1], args: [], expectThrows: false },
    ] })).toEqual([[1], [['call', 'add', [2]], ['field', 'total'], ['set', 'total', [1]]]]);
  });

  it('reads the driver\'s answer, and anything it does not write as malformed, never as a pass', () => {
    const value = (v: unknown) => ({ kind: 'value' as const, value: v });
    expect(readSequenceOutcome(value([['v', 3], ['e', 'ValueError', 'no'], ['s'], ['o', 'Node']]), 4)).toEqual({ kind: 'steps', steps: [
      { kind: 'value', value: 3 }, { kind: 'error', errorType: 'ValueError', message: 'no' }, { kind: 'self' }, { kind: 'object', typeName: 'Node' },
    ] });
    expect(readSequenceOutcome(value([['c', 'TypeError', 'bad']]), 3)).toEqual({ kind: 'constructor-error', errorType: 'TypeError', message: 'bad' });
    expect(readSequenceOutcome({ kind: 'timeout' }, 1)).toEqual({ kind: 'timeout' });
    for (const forged of [[['v', 1]], 'ok', [['v', 1], ['x', 1]], [['v']], [{ v: 1 }, ['v', 2]]]) {
      expect(readSequenceOutcome(value(forged), 2).kind).toBe('malformed');
    }
    expect(readSequenceOutcome({ kind: 'error', errorType: 'NameError', message: 'x' }, 1)).toEqual({ kind: 'malformed', message: 'the sequence driver threw NameError: x' });
  });

  it('gives a sequence one call limit per step and for the construction, up to the cap', () => {
    const spec = TaskSpecSchema.parse({
      id: 'c', name: 'C', description: 'c', taskType: 'class', language: 'python', limits: { timeoutMs: 100 },
      signature: { entryPoint: 'C', inputs: [], output: { type: 'C' } }, methods: [{ name: 'm', output: { type: 'int' } }],
      sequences: [{ steps: [{ call: 'm' }, { call: 'm' }] }, { steps: [{ call: 'm' }] }],
    });
    expect(sequenceTimeoutMs(spec)).toBe(300);
    expect(sequenceTimeoutMs({ ...spec, limits: { ...spec.limits, timeoutMs: 100_000 } })).toBe(MAX_SEQUENCE_MS);
  });

  it('writes the class name into the driver only as an identifier', () => {
    expect(sequenceDriver('python', 'Stack')).toContain('instance = Stack(*construct)');
    expect(sequenceDriver('typescript', 'Stack')).toContain('instance = new Stack(...construct)');
    expect(() => sequenceDriver('python', 'Stack(); import os')).toThrow(/not an identifier/);
  });
});

describe('module sequences', () => {
  it('the module driver reads members by name, and writes them into the driver only as identifiers', () => {
    const python = moduleSequenceDriver('python', ['area', 'PI']);
    expect(python).toContain('scope = globals()');
    expect(python).toContain('value = scope[step[1]](*step[2])');
    expect(python).not.toMatch(/#zerr:/);
    const typescript = moduleSequenceDriver('typescript', ['area', 'PI']);
    expect(typescript).toContain("const scope = { area: typeof area === 'undefined' ? undefined : area, PI: typeof PI === 'undefined' ? undefined : PI };");
    expect(typescript).not.toMatch(/\/\*zerr:/);
    expect(() => moduleSequenceDriver('typescript', ['a; process.exit()'])).toThrow(/not an identifier/);
  });
});
