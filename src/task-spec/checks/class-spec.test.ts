import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkSpecSync, checkTaskSpec } from '../check-spec.js';
import { TaskSpecSchema, type TaskSpecInput } from '../task-spec.js';

const SPECS = resolve(import.meta.dirname, '../../../test/fixtures/specs');
const fixture = (name: string): TaskSpecInput => parse(readFileSync(join(SPECS, name), 'utf8')) as TaskSpecInput;

const klass = (extra: Partial<TaskSpecInput> = {}) => TaskSpecSchema.parse({
  id: 'counter', name: 'Counter', description: 'A counter.', taskType: 'class', language: 'python',
  signature: { entryPoint: 'Counter', inputs: [{ name: 'start', type: 'int' }], output: { type: 'Counter' } },
  methods: [{ name: 'add', inputs: [{ name: 'n', type: 'int' }], output: { type: 'int' } }],
  fields: [{ name: 'total', type: 'int' }],
  sequences: [{ construct: [1], steps: [{ call: 'add', args: [2], expected: 3 }, { field: 'total', expected: 3 }] }],
  ...extra,
});

const paths = (spec: ReturnType<typeof klass>): string[] => checkSpecSync(spec, 's').map((issue) => issue.path);

describe('class specs', () => {
  it('accepts the Python and TypeScript fixtures and a small class', () => {
    expect(checkSpecSync(TaskSpecSchema.parse(fixture('bank-account.yaml')), 's')).toEqual([]);
    expect(checkSpecSync(TaskSpecSchema.parse(fixture('bounded-stack.yaml')), 's')).toEqual([]);
    expect(checkSpecSync(TaskSpecSchema.parse(fixture('capped-stack.yaml')), 's')).toEqual([]);
    expect(checkSpecSync(klass(), 's')).toEqual([]);
  });

  it('reads a class\'s invariants over its fields; a module has no state to keep invariant', async () => {
    const capped = TaskSpecSchema.parse(fixture('capped-stack.yaml'));
    expect(await checkTaskSpec(capped, 's')).toEqual([]);
    const unknown = await checkTaskSpec(TaskSpecSchema.parse({ ...capped, invariants: ['0 <= size <= capacity', 'len(items) >= 0'] }), 's');
    expect(unknown.map((issue) => issue.path)).toEqual(['invariants.1']);
    expect(unknown[0]?.message).toContain('items');
    const module = TaskSpecSchema.parse({ ...capped, taskType: 'module', signature: { ...capped.signature, entryPoint: 'stack', inputs: [], output: { type: 'stack' } }, sequences: [] });
    expect(paths(module)).toContain('invariants');
  });

  it('reads each method\'s contract with its parameters, result and the fields before and after in scope (python3 compiles them)', async () => {
    const spec = TaskSpecSchema.parse(fixture('contract-stack.yaml'));
    expect(await checkTaskSpec(spec, 's')).toEqual([]);
    const [push, pop] = spec.methods;
    const wrong = TaskSpecSchema.parse({ ...spec, methods: [{ ...push, postconditions: ['size == old_size + 1', 'result == old_result'] }, { ...pop, preconditions: ['size >'] }] });
    const issues = await checkTaskSpec(wrong, 's');
    expect(issues.map((issue) => issue.path)).toEqual(['methods.0.postconditions.1', 'methods.1.preconditions.0']);
    expect(issues[0]?.message).toMatch(/^s: methods\.0\.postconditions\.1: .*old_result/);
    const beforeOnly = TaskSpecSchema.parse({ ...spec, methods: [{ ...push, preconditions: ['old_size < capacity'] }, pop] });
    expect((await checkTaskSpec(beforeOnly, 's')).map((issue) => issue.path)).toEqual(['methods.0.preconditions.0']);
  });

  it('names each problem of the declarations by its field', () => {
    const issues = checkSpecSync(klass({
      signature: { entryPoint: 'Counter', inputs: [{ name: 'start', type: 'int' }], output: { type: 'int' } },
      methods: [
        { name: '__init__', inputs: [], output: { type: 'None' } },
        { name: 'add', inputs: [{ name: 'self', type: 'int' }], output: { type: 'Nne' } },
        { name: 'add', inputs: [], output: { type: 'int' } },
      ],
      fields: [{ name: 'add', type: 'int' }],
      sequences: [],
    }), 's');
    expect(issues.map((issue) => [issue.path, issue.expected])).toEqual([
      ['signature.output.type', "the class name Counter (a class spec's entry point is its constructor, which returns an instance)"],
      ['methods.0.name', 'a method other than the constructor (its parameters are signature.inputs)'],
      ['methods.1.inputs.0.name', 'a parameter other than self (inputs leave the receiver out)'],
      ['methods.1.output.type', expect.stringMatching(/unknown type name "Nne" \(did you mean "None"\?\)/) as unknown],
      ['methods.2.name', 'a name not already used by another method (methods.1.name)'],
      ['fields.0.name', 'a name not already used by another field or a method'],
    ]);
  });

  it('checks every step against the declared methods and fields', () => {
    const spec = klass({
      sequences: [{
        construct: ['one'],
        steps: [
          { call: 'ad', args: [1] },
          { call: 'add', field: 'total' },
          { field: 'count' },
          { call: 'add', args: [1, 2] },
          { call: 'add', args: ['x'] },
          { call: 'add', args: [1], expected: 'three' },
          { field: 'total', args: [1] },
          { call: 'add', args: [1], throws: { type: 'ValueError' }, expected: 1 },
        ],
      }],
    });
    const issues = checkSpecSync(spec, 's');
    expect(issues.map((issue) => issue.path)).toEqual([
      'sequences.0.construct.0', 'sequences.0.steps.0.call', 'sequences.0.steps.1', 'sequences.0.steps.2.field',
      'sequences.0.steps.3.args', 'sequences.0.steps.4.args.0', 'sequences.0.steps.5.expected', 'sequences.0.steps.6.args',
      'sequences.0.steps.7.expected',
    ]);
    expect(issues[1]?.message).toBe('s: sequences.0.steps.0.call: got "ad", expected one of the declared methods (add) (did you mean "add"?)');
    expect(issues[4]?.message).toBe('s: sequences.0.steps.3.args: got 2 arguments [1,2], expected 1 argument (n: int)');
  });

  it('refuses what is not evaluated on classes yet, and test cases, rather than check less than the spec says', () => {
    expect(paths(klass({ preconditions: ['start >= 0'], properties: [{ name: 'p', expression: 'True' }], testCases: [{ inputs: [1], expected: 1 }] })))
      .toEqual(['testCases', 'preconditions', 'properties']);
    expect(paths(klass({ methods: [] , sequences: [] }))).toEqual(['methods']);
  });

  it('a function spec may not carry methods, fields or sequences', () => {
    const spec = TaskSpecSchema.parse({
      id: 'f', name: 'f', description: 'f', language: 'python',
      signature: { entryPoint: 'f', inputs: [], output: { type: 'int' } },
      methods: [{ name: 'g', output: { type: 'int' } }], sequences: [{ steps: [{ call: 'g' }] }],
    });
    expect(checkSpecSync(spec, 's').map((issue) => issue.message)).toEqual([
      's: methods: got 1 methods, expected no methods in a function spec (methods, fields and sequences describe a class or a module: taskType: class or module)',
      's: sequences: got 1 sequences, expected no sequences in a function spec (methods, fields and sequences describe a class or a module: taskType: class or module)',
    ]);
  });
});

describe('set steps', () => {
  it('assign a declared field a value of its type, and nothing else', () => {
    const spec = klass({
      sequences: [{ construct: [1], steps: [
        { set: 'total', value: 5 }, { call: 'add', args: [1], expected: 6 },
        { set: 'count', value: 1 }, { set: 'total', value: 'x' }, { set: 'total' }, { set: 'total', value: 1, expected: 1 },
        { set: 'total', value: 1, expectThrows: true },
      ] }],
    });
    expect(checkSpecSync(spec, 's').map((issue) => [issue.path, issue.expected])).toEqual([
      ['sequences.0.steps.2.set', 'one of the declared fields (total)'],
      ['sequences.0.steps.3.value', 'an integer for the field total (got "x", expected an integer)'],
      ['sequences.0.steps.4.value', 'the value to assign'],
      ['sequences.0.steps.5.expected', 'no expected in a set step (it only assigns)'],
      ['sequences.0.steps.6.expectThrows', 'no expectThrows in a set step (it only assigns)'],
    ]);
  });
});

describe('module specs', () => {
  const module = (extra: Partial<TaskSpecInput> = {}) => TaskSpecSchema.parse({
    id: 'geo', name: 'geo', description: 'Geometry helpers.', taskType: 'module', language: 'python',
    signature: { entryPoint: 'geo', inputs: [], output: { type: 'geo' } },
    methods: [{ name: 'area', inputs: [{ name: 'r', type: 'float' }], output: { type: 'float' } }],
    fields: [{ name: 'PI', type: 'float' }],
    sequences: [{ construct: [], steps: [{ call: 'area', args: [1.0], expected: 3.14, tolerance: { absolute: 0.01 } }, { field: 'PI', expected: 3.14159 }] }],
    ...extra,
  });

  it('accepts the TypeScript fixture and a small Python module', () => {
    expect(checkSpecSync(TaskSpecSchema.parse(fixture('text-stats-module.yaml')), 's')).toEqual([]);
    expect(checkSpecSync(module(), 's')).toEqual([]);
  });

  it('refuses constructor inputs, construct arguments, set steps, a wrong name and an undeclared function', () => {
    const issues = checkSpecSync(module({
      signature: { entryPoint: 'geo', inputs: [{ name: 'x', type: 'int' }], output: { type: 'int' } },
      sequences: [{ construct: [1], steps: [{ set: 'PI', value: 3 }, { call: 'volume', args: [] }] }],
    }), 's');
    const byPath = new Map(issues.map((issue) => [issue.path, issue.expected]));
    expect(byPath.get('signature.output.type')).toMatch(/the module name geo/);
    expect(byPath.get('signature.inputs')).toMatch(/no inputs in a module spec/);
    expect([...byPath.keys()].some((path) => path.startsWith('sequences.0.construct'))).toBe(true);
    expect(byPath.get('sequences.0.steps.0.set')).toMatch(/no set step in a module spec/);
    expect(byPath.get('sequences.0.steps.1.call')).toMatch(/one of the declared methods \(area\)/);
  });

  it('refuses contracts on a module, which are not evaluated on modules yet', () => {
    expect(checkSpecSync(module({ postconditions: ['result >= 0'] }), 's').map((issue) => issue.expected)).toEqual([
      'no postconditions in a module spec: they are not evaluated on modules yet, and a spec is never checked less than it says',
    ]);
  });
});
