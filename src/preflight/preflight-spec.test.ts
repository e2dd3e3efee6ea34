import { afterAll, describe, expect, it } from 'vitest';
import { BwrapSandbox } from '../sandbox/index.js';
import { TaskSpecSchema, type TaskSpecInput } from '../task-spec/task-spec.js';
import { SandboxJudge } from '../verify/judge/sandbox-judge.js';
import { checkSpecPreconditions } from './check-preconditions.js';
import { preflightSpec } from './preflight-spec.js';

const sandbox = new BwrapSandbox();
const judge = new SandboxJudge({ sandbox });
afterAll(() => sandbox.close());

const spec = (extra: Partial<TaskSpecInput> = {}) => TaskSpecSchema.parse({
  id: 'mean', name: 'mean', description: 'Mean.', language: 'python',
  signature: { entryPoint: 'mean', inputs: [{ name: 'xs', type: 'List[float]' }], output: { type: 'float' } },
  ...extra,
});

describe('checkSpecPreconditions', () => {
  it('starts no judge for a spec without preconditions or invariants', async () => {
    const noJudge = { judge: () => Promise.reject(new Error('the judge was started')) } as unknown as SandboxJudge;
    expect(await checkSpecPreconditions(spec(), { judge: noJudge })).toEqual([]);
  });

  it('passes preconditions that some generated inputs satisfy, and names the first input one throws on', async () => {
    expect(await checkSpecPreconditions(spec({ preconditions: ['len(xs) > 0'], testCases: [{ inputs: [[1.0]], expected: 1.0 }] }), { judge })).toEqual([]);
    const [issue] = await checkSpecPreconditions(spec({ preconditions: ['xs[0] >= 0'] }), { judge, source: 'm.yaml' });
    expect(issue?.message).toBe(
      'm.yaml: preconditions.0: got "xs[0] >= 0", expected a precondition that is true or false for every input of the declared ' +
      'types (evaluating it on the generated input mean([]) threw IndexError: list index out of range; guard it, e.g. check a length before indexing)',
    );
  });

  it('a test that expects a throw may break the preconditions; one that does not may not', async () => {
    const tests = [{ inputs: [[]], expectThrows: true }, { inputs: [[]], expected: 0 }];
    const issues = await checkSpecPreconditions(spec({ preconditions: ['len(xs) > 0'], testCases: tests }), { judge });
    expect(issues.map((i) => i.path)).toEqual(['testCases.1.inputs']);
    expect(issues[0]?.expected).toMatch(/^inputs that satisfy every precondition \(mean\(\[\]\) breaks preconditions\.0 "len\(xs\) > 0"/);
  });

  it('a precondition slower than the call limit is a spec error, not a hang', async () => {
    const slow = spec({ preconditions: ['all(True for _ in range(10 ** 9))'], limits: { timeoutMs: 200 } });
    const [issue] = await checkSpecPreconditions(slow, { judge, generatedInputs: 2 });
    expect(issue).toMatchObject({ path: 'preconditions.0', expected: expect.stringMatching(/^expressions that evaluate within the call limit of 200 ms/) as unknown });
    // Stuck in C code, out of the per-call timer's reach: the judge's own budget ends it, still a spec error.
    const stuck = spec({ preconditions: ['sum(range(10 ** 10)) > 0'], limits: { timeoutMs: 200 } });
    const [whole] = await checkSpecPreconditions(stuck, { judge, generatedInputs: 2, maxRunMs: 1500 });
    expect(whole).toMatchObject({ path: 'preconditions', expected: expect.stringMatching(/^expressions that evaluate within the call limit of 200 ms \(the judge took longer than 1500 ms on 2 inputs\)$/) as unknown });
  });
});

describe('checkSpecPreconditions on the fast path (TypeScript conditions over primitive inputs)', () => {
  const noJudge = { judge: () => Promise.reject(new Error('the judge was started')) } as unknown as SandboxJudge;
  const clamp = (extra: Partial<TaskSpecInput> = {}) => TaskSpecSchema.parse({
    id: 'clamp', name: 'clamp', description: 'Clamp.', language: 'typescript',
    signature: { entryPoint: 'clamp', inputs: [{ name: 'x', type: 'number' }, { name: 'low', type: 'number' }, { name: 'high', type: 'number' }], output: { type: 'number' } },
    testCases: [{ inputs: [5, 0, 10], expected: 5 }, { inputs: [1, 9, 2], expected: 2 }],
    ...extra,
  });
  // `Number(low) <= high` means the same but calls a function: off the fast path, so the judge evaluates it.
  const cases: readonly (readonly [string, Partial<TaskSpecInput>, Partial<TaskSpecInput>])[] = [
    ['a visible test breaking a precondition', { preconditions: ['low <= high'] }, { preconditions: ['Number(low) <= high'] }],
    ['a precondition no input satisfies', { preconditions: ['low > 1000 && x > 1000'], testCases: [] }, { preconditions: ['Number(low) > 1000 && x > 1000'], testCases: [] }],
    ['one of two preconditions no input satisfies', { preconditions: ['x === x', 'low !== low'], testCases: [] }, { preconditions: ['x === x', 'Number(low) !== low'], testCases: [] }],
    ['an invariant broken by a visible test', { invariants: ['high - low >= 0'] }, { invariants: ['Number(high) - low >= 0'] }],
    ['satisfiable conditions', { preconditions: ['low <= high'], testCases: [{ inputs: [5, 0, 10], expected: 5 }] }, { preconditions: ['Number(low) <= high'], testCases: [{ inputs: [5, 0, 10], expected: 5 }] }],
  ];

  it.each(cases)('finds what the judge finds, without starting it: %s', async (_label, fast, slow) => {
    const byFastPath = await checkSpecPreconditions(clamp(fast), { judge: noJudge, source: 'c.yaml' });
    const byJudge = await checkSpecPreconditions(clamp(slow), { judge, source: 'c.yaml' });
    const shape = (issues: readonly { path: string; expected: string }[]) => issues.map(({ path, expected }) => ({ path, expected: expected.replace(/Number\(([a-z]+)\)/g, '$1') }));
    expect(shape(byFastPath)).toEqual(shape(byJudge));
  });

  it('the comparison above is not vacuous: the fast path reports the broken visible test', async () => {
    const issues = await checkSpecPreconditions(clamp({ preconditions: ['low <= high'] }), { source: 'c.yaml' });
    expect(issues.map((issue) => issue.message)).toEqual([
      'c.yaml: testCases.1.inputs: got [1,9,2], expected inputs that satisfy every precondition (clamp(1, 9, 2) breaks preconditions.0 "low <= high"; a test of what happens outside the preconditions needs expectThrows: true)',
    ]);
  });

  it('asks for the judge when a condition is off the fast path, and refuses to go on without one', async () => {
    const { conditionsNeedJudge } = await import('../task-spec/simple-conditions.js');
    expect(conditionsNeedJudge(clamp({ preconditions: ['low <= high'] }))).toBe(false);
    expect(conditionsNeedJudge(clamp({ preconditions: ['low <= high', 'Math.abs(x) < 1e9'] }))).toBe(true);
    expect(conditionsNeedJudge(spec({ preconditions: ['True'] }))).toBe(true); // Python: never the JavaScript evaluator
    await expect(checkSpecPreconditions(clamp({ preconditions: ['Math.abs(x) < 1e9'] }), {})).rejects.toThrow(/options\.judge is required/);
  });
});

describe('preflightSpec', () => {
  it('runs the static checks first: a typo is reported without starting the judge', async () => {
    const noJudge = { judge: () => Promise.reject(new Error('the judge was started')) } as unknown as SandboxJudge;
    await expect(preflightSpec(spec({ preconditions: ['lenn(xs) > 0'] }), { judge: noJudge, source: 's' })).rejects.toMatchObject({
      code: 'invalid_spec', issues: [{ path: 'preconditions.0', message: 's: preconditions.0: got "lenn(xs) > 0", expected a Python expression over xs (name "lenn" is not defined (did you mean "len"?))' }],
    });
  });

  it('with pyright, types a Python expression against the annotations', async () => {
    const typo = spec({ preconditions: ['len(xs) > 0'], postconditions: ['result.is_integr() or True'] });
    await expect(preflightSpec(typo, { judge, source: 's' })).resolves.toBeUndefined(); // ast and names pass
    await expect(preflightSpec(typo, { judge, source: 's', pyright: true })).rejects.toMatchObject({
      code: 'invalid_spec',
      issues: [{ path: 'postconditions.0', expected: expect.stringMatching(/^a Python expression that type-checks against the signature \(pyright: Cannot access attribute "is_integr" for class "float"/) as unknown }],
    });
  });
});
