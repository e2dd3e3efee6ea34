import { describe, expect, it } from 'vitest';
import { checkSpecSync, checkTaskSpec } from './check-spec.js';
import { TaskSpecSchema, type TaskSpecInput } from './task-spec.js';

const ts = (extra: Partial<TaskSpecInput> & { inputs?: { name: string; type: string }[]; output?: string } = {}) => {
  const { inputs, output, ...rest } = extra;
  return TaskSpecSchema.parse({
    id: 't', name: 't', description: 'd', language: 'typescript',
    signature: { entryPoint: 'f', inputs: inputs ?? [{ name: 'xs', type: 'number[]' }, { name: 'k', type: 'number' }], output: { type: output ?? 'number[]' } },
    ...rest,
  });
};
const py = (extra: Partial<TaskSpecInput> & { inputs?: { name: string; type: string }[]; output?: string } = {}) => {
  const { inputs, output, ...rest } = extra;
  return TaskSpecSchema.parse({
    id: 'p', name: 'p', description: 'd', language: 'python',
    signature: { entryPoint: 'f', inputs: inputs ?? [{ name: 'xs', type: 'List[int]' }, { name: 'k', type: 'int' }], output: { type: output ?? 'List[int]' } },
    ...rest,
  });
};
const paths = (issues: readonly { path: string }[]): string[] => issues.map((issue) => issue.path);

describe('checkSpecSync: good specs pass', () => {
  it('a TypeScript spec with calls, arrow functions, optional chaining and lib methods in its expressions', () => {
    const spec = ts({
      preconditions: ['k >= 0 && k <= xs.length', 'xs.every((x) => Number.isInteger(x))'],
      postconditions: ['result.length === k', 'result.every((r, i) => i === 0 || (result[i - 1] ?? r) <= r)', 'Math.max(...result, 0) >= 0 || xs.some((x) => x < 0)'],
      invariants: ['Array.isArray(xs)'],
      properties: [{ name: 'subset', expression: 'result.every((r) => xs.includes(r))' }],
      testCases: [{ inputs: [[3, 1, 2], 2], expected: [1, 2] }, { inputs: [[], 0], expected: [] }],
    });
    expect(checkSpecSync(spec, 's')).toEqual([]);
  });

  it('test values of unions, optional tuple elements, records, objects with optional keys and Python ints written as 3.0', () => {
    const spec = ts({
      inputs: [{ name: 'a', type: 'number | string' }, { name: 'b', type: '[number, string?]' }, { name: 'c', type: 'Record<string, number[]>' }, { name: 'd', type: '{ w: number; h?: number }' }],
      output: 'boolean | null',
      testCases: [{ inputs: ['x', [1], { k: [1, 2] }, { w: 1 }], expected: null }, { inputs: [2, [1, 'a'], {}, { w: 1, h: 2 }], expected: true }],
    });
    expect(checkSpecSync(spec, 's')).toEqual([]);
    expect(checkSpecSync(py({ inputs: [{ name: 'n', type: 'int' }], output: 'Optional[Tuple[int, str]]', testCases: [{ inputs: [3.0], expected: [1, 'a'] }, { inputs: [0], expected: null }] }), 's')).toEqual([]);
  });

  it('a test that expects a throw is not checked against the output type', () => {
    expect(checkSpecSync(ts({ testCases: [{ inputs: [[1], 1], expected: 'boom', expectThrows: true }] }), 's')).toEqual([]);
  });
});

describe('checkSpecSync: comparators and expected exceptions', () => {
  it('accepts unordered, set and partial where they apply, and an expected exception by type and message', () => {
    const spec = ts({
      signature: { entryPoint: 'f', inputs: [{ name: 'xs', type: 'number[]' }, { name: 'k', type: 'number' }], output: { type: 'number[]', compare: 'unordered' } },
      testCases: [
        { inputs: [[3, 1], 1], expected: [1, 3] },
        { inputs: [[3, 3], 1], expected: [3], compare: 'set' },
        { inputs: [[1], -1], throws: { type: 'RangeError', message: '^k must be (positive|zero)' } },
        { inputs: [[0.1], 1], expected: [0.1], tolerance: { relative: 1e-3, absolute: 0 } },
      ],
    } as Partial<TaskSpecInput>);
    expect(checkSpecSync(spec, 's')).toEqual([]);
    const objects = ts({ output: '{ id: number; name: string }', testCases: [{ inputs: [[1], 1], expected: { id: 1 }, compare: 'partial' }] });
    expect(checkSpecSync(objects, 's')).toEqual([]); // a partial pattern may leave required keys out
  });

  it('refuses a message pattern that is not a regular expression, a value and an exception together, and list comparators on a non-list', () => {
    const spec = ts({
      output: 'number',
      testCases: [
        { inputs: [[1], 1], throws: { message: 'bad (' } },
        { inputs: [[1], 1], expected: 1, throws: { type: 'Error' } },
        { inputs: [[1], 1], expected: 1, compare: 'set' },
        { inputs: [[1], 1], throws: { message: '(?<=k) must' } },
      ],
    });
    const issues = checkSpecSync(spec, 'c.yaml');
    expect(paths(issues)).toEqual(['testCases.0.throws.message', 'testCases.1.expected', 'testCases.2.compare', 'testCases.3.throws.message']);
    expect(issues[3]?.message).toMatch(/testCases\.3\.throws\.message: got "\(\?<=k\) must", expected a regular expression in RE2 syntax \(.*\)$/); // no lookbehind in RE2
    expect(issues[0]?.message).toMatch(/^c\.yaml: testCases\.0\.throws\.message: got "bad \(", expected a regular expression in RE2 syntax \(.*\)$/);
    expect(issues[1]?.message).toBe('c.yaml: testCases.1.expected: got 1, expected no expected value in a test that expects an exception (throws)');
    expect(issues[2]?.message).toBe("c.yaml: testCases.2.compare: got \"set\", expected 'exact' or 'partial' for the output type number ('set' compares lists)");
    const output = ts({ signature: { entryPoint: 'f', inputs: [], output: { type: 'string', compare: 'unordered' } } } as Partial<TaskSpecInput>);
    expect(paths(checkSpecSync(output, 's'))).toEqual(['signature.output.compare']);
  });
});

describe('checkSpecSync: issues name the field, the value and what was expected', () => {
  it('reports every issue of a spec at once, with its source', () => {
    const spec = ts({
      inputs: [{ name: 'xs', type: 'numbr[]' }, { name: 'xs', type: 'number' }],
      testCases: [{ inputs: [[1], 2, 3], expected: [1] }, { inputs: [[1], 'two'], expected: [Number.NaN] }],
    });
    const issues = checkSpecSync(spec, 'my.yaml');
    expect(paths(issues)).toEqual(['signature.inputs.1.name', 'signature.inputs.0.type', 'testCases.0.inputs', 'testCases.1.inputs.1', 'testCases.1.expected.0']);
    expect(issues[1]?.message).toBe('my.yaml: signature.inputs.0.type: got "numbr[]", expected unknown type name "numbr" (did you mean "number"?)');
    expect(issues[3]?.message).toBe('my.yaml: testCases.1.inputs.1: got "two", expected a number for xs: number (got "two", expected a number)');
    expect(issues[4]?.message).toMatch(/^my\.yaml: testCases\.1\.expected\.0: got NaN, expected a value other than NaN .*Number\.isNaN\(result\)/);
  });

  it('type-checks TypeScript expressions against the declared types, each in its own scope', () => {
    const spec = ts({
      output: 'string[]',
      preconditions: ['result !== undefined'],
      postconditions: ['result.lenght === k', 'result.length', 'xs.length === k'],
      properties: [{ name: 'p', expression: 'f(xs, k).length === result.length' }],
    });
    const issues = checkSpecSync(spec, 's');
    expect(paths(issues)).toEqual(['preconditions.0', 'postconditions.0', 'postconditions.1', 'properties.0.expression']);
    expect(issues[0]?.expected).toMatch(/over xs and k \(Cannot find name 'result'.*a precondition sees only the inputs, not result\)$/);
    expect(issues[1]?.expected).toBe("a boolean TypeScript expression over xs, k and result (Property 'lenght' does not exist on type 'string[]'. Did you mean 'length'?)");
    expect(issues[2]?.expected).toMatch(/Type 'number' is not assignable to type 'boolean': the expression must be true or false\)$/);
    expect(issues[3]?.expected).toMatch(/the function under test cannot be called from a spec expression/);
  });

  it('does not check expressions while a parameter name is invalid (their scope would be wrong)', () => {
    const spec = ts({ inputs: [{ name: 'delete', type: 'number' }], output: 'number', postconditions: ['result.nope'] });
    expect(paths(checkSpecSync(spec, 's'))).toEqual(['signature.inputs.0.name']);
  });

  it('caps the length of an expression', () => {
    const spec = ts({ postconditions: [`${'k + '.repeat(3000)}k > 0`] });
    expect(checkSpecSync(spec, 's')[0]).toMatchObject({ path: 'postconditions.0', expected: 'an expression of at most 10000 characters' });
  });
});

describe('checkTaskSpec: Python expressions through python3', () => {
  it('accepts comprehension and lambda variables, builtins and the judge modules', async () => {
    const spec = py({
      preconditions: ['k >= 0 and all(isinstance(x, int) for x in xs)'],
      postconditions: ['len(result) == k', 'sorted(result) == result', 'all(math.isfinite(v) for v in result)', '(n := len(xs)) >= 0 and n >= k', 'functools.reduce(lambda a, b: a + b, result, 0) >= 0 or any(x < 0 for x in xs)'],
    });
    expect(await checkTaskSpec(spec, 's')).toEqual([]);
  });

  it('reports syntax errors, unknown names with a suggestion, module attributes and result in a precondition', async () => {
    const spec = py({
      preconditions: ['k >= 0 and result'],
      postconditions: ['len(result) ==', 'lenn(result) == k', 'math.sqr(k) >= 0'],
    });
    const issues = await checkTaskSpec(spec, 's');
    expect(paths(issues)).toEqual(['preconditions.0', 'postconditions.0', 'postconditions.1', 'postconditions.2']);
    expect(issues[0]?.expected).toBe('a Python expression over xs and k (a precondition sees only the inputs, not result)');
    expect(issues[1]?.expected).toMatch(/^a Python expression over xs, k and result \(invalid syntax/);
    expect(issues[2]?.expected).toBe('a Python expression over xs, k and result (name "lenn" is not defined (did you mean "len"?))');
    expect(issues[3]?.expected).toBe('a Python expression over xs, k and result (module math has no attribute "sqr")');
  });
});
