import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { BwrapSandbox, SandboxCandidateRunner } from '../../sandbox/index.js';
import { checkSpecSync } from '../../task-spec/check-spec.js';
import { TaskSpecSchema, type Language, type TaskSpec } from '../../task-spec/task-spec.js';
import { SandboxJudge } from '../judge/sandbox-judge.js';
import { ContractsLayer } from '../layers/contracts.js';

const sandbox = new BwrapSandbox();
const runner = new SandboxCandidateRunner({ sandbox });
const judge = new SandboxJudge({ sandbox });
const layer = new ContractsLayer({ runner, judge, generatedSequences: 12, maxRunMs: 20_000 });
afterAll(() => sandbox.close());

/** A bounded stack: `size` never exceeds `capacity`; push beyond it must refuse (throw), not grow. */
function stackSpec(language: Language, invariants?: string[]): TaskSpec {
  const int = language === 'python' ? 'int' : 'number';
  return TaskSpecSchema.parse({
    id: `stack-${language}`, name: 'Stack', description: 'A bounded stack.', taskType: 'class', language,
    signature: { entryPoint: 'Stack', inputs: [{ name: 'capacity', type: int }], output: { type: 'Stack' } },
    methods: [{ name: 'push', inputs: [{ name: 'x', type: int }], output: { type: int } }, { name: 'pop', inputs: [], output: { type: int } }],
    fields: [{ name: 'size', type: int }, { name: 'capacity', type: int }],
    invariants: invariants ?? [language === 'python' ? '0 <= size <= capacity' : 'size >= 0 && size <= capacity'],
    sequences: [{ construct: [2], steps: [{ call: 'push', args: [5], expected: 1 }, { call: 'pop', expected: 5 }] }],
    limits: { timeoutMs: 1000 },
  });
}

const PY_GOOD = `class Stack:
    def __init__(self, capacity: int) -> None:
        self.capacity = max(capacity, 0)
        self.items = []
        self.size = 0

    def push(self, x: int) -> int:
        if self.size >= self.capacity:
            raise OverflowError("full")
        self.items.append(x)
        self.size += 1
        return self.size

    def pop(self) -> int:
        if not self.items:
            raise IndexError("empty")
        self.size -= 1
        return self.items.pop()
`;
/** Grows past its capacity: the visible sequence passes (one push), the invariant does not. */
const PY_UNBOUNDED = PY_GOOD.replace('        if self.size >= self.capacity:\n            raise OverflowError("full")\n', '');
const TS_GOOD = `class Stack {
  size = 0;
  capacity: number;
  private items: number[] = [];
  constructor(capacity: number) { this.capacity = Math.max(capacity, 0); }
  push(x: number): number {
    if (this.size >= this.capacity) throw new RangeError('full');
    this.items.push(x);
    this.size += 1;
    return this.size;
  }
  pop(): number {
    const x = this.items.pop();
    if (x === undefined) throw new RangeError('empty');
    this.size -= 1;
    return x;
  }
}`;
/** Counts a pop on an empty stack: size goes below 0. */
const TS_NEGATIVE = TS_GOOD.replace("    const x = this.items.pop();\n    if (x === undefined) throw new RangeError('empty');\n    this.size -= 1;\n    return x;", '    this.size -= 1;\n    return this.items.pop() ?? 0;');

describe('class invariants in the contracts layer', () => {
  test('a class keeping its invariant passes, over the visible and the generated call sequences', async () => {
    for (const [language, code] of [['python', PY_GOOD], ['typescript', TS_GOOD]] as const) {
      const result = await layer.verify({ spec: stackSpec(language), candidate: { language, code } });
      expect(result.status, result.reason).toBe('pass');
      expect(result.reason).toMatch(/^class invariants held in \d+ states over 13 call sequences/);
    }
  }, 60_000);

  test('a stack that grows past its capacity fails with a shrunk sequence and the state', async () => {
    const result = await layer.verify({ spec: stackSpec('python'), candidate: { language: 'python', code: PY_UNBOUNDED } });
    expect(result.status).toBe('fail');
    expect(result.reason).toMatch(/^invariant "0 <= size <= capacity" does not hold after Stack\(\d+\), then (push\(-?\d+\)(, )?)+ \(size = \d+, capacity = \d+\)$/);
    // Shrunk: no pop is left, and it pushes exactly one more than the capacity.
    expect(result.reason).not.toContain('pop()');
    const match = /Stack\((\d+)\), then (.*) \(size/.exec(result.reason);
    expect(match?.[2]?.split(', ').length).toBe(Number(match?.[1]) + 1);
  }, 60_000);

  test('a TypeScript stack whose size goes negative fails after one pop', async () => {
    const result = await layer.verify({ spec: stackSpec('typescript'), candidate: { language: 'typescript', code: TS_NEGATIVE } });
    expect(result.status).toBe('fail');
    expect(result.reason).toMatch(/^invariant "size >= 0 && size <= capacity" does not hold after Stack\(\d+\), then pop\(\) \(size = -1, capacity = \d+\)$/);
  }, 60_000);

  test('a declared field the class does not keep fails as unreadable, naming it', async () => {
    const result = await layer.verify({ spec: stackSpec('python'), candidate: { language: 'python', code: PY_GOOD.replace(/self\.size/g, 'self.count') } });
    expect(result.status).toBe('fail');
    expect(result.reason).toMatch(/^the field size could not be read as plain data after Stack\(2\): reading it threw AttributeError/);
  }, 60_000);

  test('only the fields the invariants name are read: a declared field that is not plain data fails only when one needs it', async () => {
    const withOwner = (invariants: string[]): TaskSpec => TaskSpecSchema.parse({ ...stackSpec('python', invariants), fields: [...stackSpec('python').fields, { name: 'owner', type: 'Any' }] });
    const code = PY_GOOD.replace('        self.size = 0\n', '        self.size = 0\n        self.owner = object()\n');
    const unused = await layer.verify({ spec: withOwner(['0 <= size <= capacity']), candidate: { language: 'python', code } });
    expect(unused.status, unused.reason).toBe('pass');
    const used = await layer.verify({ spec: withOwner(['0 <= size <= capacity', 'owner is not None']), candidate: { language: 'python', code } });
    expect(used.reason).toBe('the field owner could not be read as plain data after Stack(2): it holds an instance of object, not plain data');
  }, 60_000);

  test('hostile c04: a field whose comparisons all say yes is not plain data, and fails as unreadable', async () => {
    const code = readFileSync(resolve(import.meta.dirname, '../../../test/fixtures/hostile/classes/c04-lying-field.py'), 'utf8');
    const result = await layer.verify({ spec: stackSpec('python'), candidate: { language: 'python', code } });
    expect(result.status).toBe('fail');
    expect(result.reason).toBe('the field size could not be read as plain data after Stack(2): it holds an instance of Yes, not plain data');
  }, 60_000);

  test('the spec check reads a class\'s invariants over its fields, and refuses one naming something else', () => {
    expect(checkSpecSync(stackSpec('typescript'), 'spec')).toEqual([]);
    const issues = checkSpecSync(stackSpec('typescript', ['items.length <= capacity']), 'spec');
    expect(issues.map((issue) => issue.path)).toEqual(['invariants.0']);
    expect(issues[0]?.message).toContain('items');
    const noFields = TaskSpecSchema.parse({ ...stackSpec('python'), fields: [] });
    expect(checkSpecSync(noFields, 'spec').map((issue) => issue.path)).toContain('invariants');
  });
});

/** The bounded stack with per-method contracts instead of an invariant: push and pop in their preconditions, each moving size by one. */
function contractStackSpec(language: Language): TaskSpec {
  const py = language === 'python';
  const base = stackSpec(language, []);
  const [push, pop] = base.methods;
  return TaskSpecSchema.parse({
    ...base,
    invariants: [],
    methods: [
      { ...push, preconditions: ['size < capacity'], postconditions: py ? ['size == old_size + 1', 'result == size'] : ['size === old_size + 1', 'result === size'] },
      { ...pop, preconditions: ['size > 0'], postconditions: [py ? 'size == old_size - 1' : 'size === old_size - 1'] },
    ],
  });
}

describe('method contracts in the contracts layer', () => {
  test('a stack keeping every method\'s contract passes; calls outside a precondition (pop on empty) cut their sequence, not fail it', async () => {
    for (const [language, code] of [['python', PY_GOOD], ['typescript', TS_GOOD]] as const) {
      const spec = contractStackSpec(language);
      expect(checkSpecSync(spec, 'spec')).toEqual([]);
      const result = await layer.verify({ spec, candidate: { language, code } });
      expect(result.status, result.reason).toBe('pass');
      expect(result.reason).toMatch(/^postconditions held on \d+ calls over 13 call sequences \(\d+ cut at a call outside its preconditions\)$/);
      expect((result.details as { calls: number }).calls).toBeGreaterThan(5);
    }
  }, 90_000);

  test('a push that does not count negative numbers passes the visible sequence and breaks its postcondition, shrunk to one push', async () => {
    const code = PY_GOOD.replace('        self.size += 1\n', '        if x >= 0:\n            self.size += 1\n');
    const result = await layer.verify({ spec: contractStackSpec('python'), candidate: { language: 'python', code } });
    expect(result.status).toBe('fail');
    expect(result.reason).toMatch(/^postcondition "size == old_size \+ 1" of push does not hold after Stack\(\d+\), then push\(-\d+\) \(size = 0, capacity = \d+\)$/);
  }, 60_000);

  test('a method that throws although its preconditions held fails; a pop that undercounts breaks its own postcondition', async () => {
    const throwing = TS_GOOD.replace("    if (this.size >= this.capacity) throw new RangeError('full');", "    if (this.size >= this.capacity || x === 0) throw new RangeError('full');");
    const threw = await layer.verify({ spec: contractStackSpec('typescript'), candidate: { language: 'typescript', code: throwing } });
    expect(threw.status).toBe('fail');
    expect(threw.reason).toMatch(/^push threw RangeError: full although its preconditions held, after Stack\(\d+\), then push\(0\) \(size = 0, capacity = \d+\)$/);
    const undercount = TS_GOOD.replace('    this.size -= 1;\n    return x;', '    this.size -= this.size > 1 ? 2 : 1;\n    return x;');
    const popped = await layer.verify({ spec: contractStackSpec('typescript'), candidate: { language: 'typescript', code: undercount } });
    expect(popped.status).toBe('fail');
    expect(popped.reason).toMatch(/^postcondition "size === old_size - 1" of pop does not hold after Stack\(\d+\), then push\([^)]*\), push\([^)]*\), pop\(\) \(size = 0, capacity = \d+\)$/);
  }, 90_000);

  test('the spec check reads a method\'s contract over its parameters, result and the fields before and after, at the method\'s path', () => {
    const spec = contractStackSpec('typescript');
    const misspelt = TaskSpecSchema.parse({ ...spec, methods: [{ ...spec.methods[0], postconditions: ['size === old_sise + 1'] }, spec.methods[1]] });
    const issues = checkSpecSync(misspelt, 'spec');
    expect(issues.map((issue) => issue.path)).toEqual(['methods.0.postconditions.0']);
    expect(issues[0]?.message).toMatch(/^spec: methods\.0\.postconditions\.0: .*old_sise/);
    const clash = TaskSpecSchema.parse({ ...spec, methods: [{ ...spec.methods[0], inputs: [{ name: 'old_size', type: 'number' }] }, spec.methods[1]] });
    expect(checkSpecSync(clash, 'spec').map((issue) => issue.message)).toContain(
      'spec: methods.0.inputs.0.name: got "old_size", expected a parameter name other than "old_size", which the method\'s contract uses for the field size before the call',
    );
    const module = TaskSpecSchema.parse({ ...spec, taskType: 'module', signature: { entryPoint: 'stack', inputs: [], output: { type: 'stack' } }, fields: [], sequences: [] });
    expect(checkSpecSync(module, 'spec').map((issue) => issue.path)).toEqual(expect.arrayContaining(['methods.0.preconditions', 'methods.0.postconditions']));
  });
});

describe('hostile classes against method contracts', () => {
  test('c05: a class whose reported state puts every call outside its preconditions fails on the visible sequence', async () => {
    const code = readFileSync(resolve(import.meta.dirname, '../../../test/fixtures/hostile/classes/c05-dodge-preconditions.py'), 'utf8');
    const spec = contractStackSpec('python');
    const result = await layer.verify({ spec, candidate: { language: 'python', code } });
    expect(result.status).toBe('fail');
    expect(result.reason).toBe('the last call of the visible Stack(2), then push(5), which the spec expects to return, is outside precondition "size < capacity" of push in the candidate\'s own state before it (size = 2, capacity = 2)');
    // A visible step that expects the call to throw may be outside the contract: pop on an empty stack.
    const refusing = TaskSpecSchema.parse({ ...spec, sequences: [{ construct: [2], steps: [{ call: 'pop', throws: { type: 'IndexError' } }, { call: 'push', args: [5], expected: 1 }] }] });
    const good = await layer.verify({ spec: refusing, candidate: { language: 'python', code: PY_GOOD } });
    expect(good.status, good.reason).toBe('pass');
  }, 60_000);
});

describe('a method that throws where its preconditions hold', () => {
  const visibleOnly = new ContractsLayer({ runner, judge, generatedSequences: 0, maxRunMs: 20_000 });
  const lenient = (steps: TaskSpec['sequences'][number]['steps']): TaskSpec => {
    const spec = contractStackSpec('python');
    return TaskSpecSchema.parse({
      ...spec,
      methods: [{ ...spec.methods[0], preconditions: ['size <= capacity'] }, spec.methods[1]],
      sequences: [{ construct: [1], steps }],
    });
  };

  test('may, in a visible step that expects the exception; may not, in one that expects a value', async () => {
    const expected = await visibleOnly.verify({ spec: lenient([{ call: 'push', args: [5], expected: 1, expectThrows: false }, { call: 'push', args: [6], throws: { type: 'OverflowError' }, expectThrows: false }]), candidate: { language: 'python', code: PY_GOOD } });
    expect(expected.status, expected.reason).toBe('pass');
    const unexpected = await visibleOnly.verify({ spec: lenient([{ call: 'push', args: [5], expected: 1, expectThrows: false }, { call: 'push', args: [6], expected: 2, expectThrows: false }]), candidate: { language: 'python', code: PY_GOOD } });
    expect(unexpected.status).toBe('fail');
    expect(unexpected.reason).toBe('push threw OverflowError: full although its preconditions held, after Stack(1), then push(5), push(6) (size = 1, capacity = 1)');
  }, 60_000);
});
