import { afterAll, describe, expect, test } from 'vitest';
import { BwrapSandbox, SandboxCandidateRunner } from '../../sandbox/index.js';
import { SandboxJudge } from '../judge/sandbox-judge.js';
import { TaskSpecSchema, type TaskSpec } from '../../task-spec/task-spec.js';
import { ContractsLayer } from './contracts.js';

const sandbox = new BwrapSandbox();
const runner = new SandboxCandidateRunner({ sandbox });
const judge = new SandboxJudge({ sandbox });
const layer = new ContractsLayer({ runner, judge, generatedInputs: 30, maxRunMs: 20_000 });
afterAll(() => sandbox.close());

function absDiffSpec(language: 'typescript' | 'python', extra: Partial<Record<'preconditions' | 'postconditions' | 'invariants', string[]>> = {}): TaskSpec {
  const int = language === 'typescript' ? 'number' : 'int';
  return TaskSpecSchema.parse({
    id: `abs-diff-${language}`, name: 'abs_diff', description: 'Absolute difference.', language,
    signature: { entryPoint: 'abs_diff', inputs: [{ name: 'a', type: int }, { name: 'b', type: int }], output: { type: int } },
    postconditions: ['result >= 0'],
    testCases: [{ inputs: [-3, 5], expected: 8 }],
    limits: { timeoutMs: 300 },
    ...extra,
  });
}

function normalizeSpec(language: 'typescript' | 'python'): TaskSpec {
  return TaskSpecSchema.parse({
    id: `shift-${language}`, name: 'shift', description: 'Subtract the minimum.', language,
    signature: {
      entryPoint: 'shift',
      inputs: [{ name: 'xs', type: language === 'typescript' ? 'number[]' : 'List[int]' }],
      output: { type: language === 'typescript' ? 'number[]' : 'List[int]' },
    },
    preconditions: [language === 'typescript' ? 'xs.length > 0' : 'len(xs) > 0'],
    invariants: [language === 'typescript' ? 'xs.every((x) => x >= 0)' : 'all(x >= 0 for x in xs)'],
    limits: { timeoutMs: 300 },
  });
}

const TS = {
  good: 'function abs_diff(a: number, b: number): number { return Math.abs(a - b); }',
  bad: 'function abs_diff(a: number, b: number): number { return a - b; }',
  throws: 'function abs_diff(a: number, b: number): number { if (a < b) throw new RangeError("a < b"); return a - b; }',
  loop: 'function abs_diff(a: number, b: number): number { while (true) {} }',
  shiftGood: 'function shift(xs: number[]): number[] { const m = Math.min(...xs); return xs.map((x) => x - m); }',
  shiftMutates: 'function shift(xs: number[]): number[] { for (let i = 0; i < xs.length; i++) xs[i] -= 1000; return xs; }',
};
const PY = {
  good: 'def abs_diff(a: int, b: int) -> int:\n    return abs(a - b)\n',
  bad: 'def abs_diff(a: int, b: int) -> int:\n    return a - b\n',
  loop: 'def abs_diff(a, b):\n    while True:\n        pass\n',
  shiftGood: 'def shift(xs):\n    m = min(xs)\n    return [x - m for x in xs]\n',
  shiftMutates: 'def shift(xs):\n    for i in range(len(xs)):\n        xs[i] -= 1000\n    return xs\n',
};

describe.each([
  ['typescript', TS],
  ['python', PY],
] as const)('contracts layer (%s)', (language, code) => {
  const verify = (spec: TaskSpec, source: string, with_ = layer) => with_.verify({ spec, candidate: { language, code: source } });

  test('a correct candidate passes, checking test and generated inputs', async () => {
    const result = await verify(absDiffSpec(language), code.good);
    expect(result).toMatchObject({ layer: 'contracts', status: 'pass' });
    expect(result.details).toMatchObject({ checked: expect.any(Number), threw: 0 });
    expect((result.details as { checked: number }).checked).toBeGreaterThan(20);
  });

  test('a violated postcondition fails naming the input', async () => {
    const result = await verify(absDiffSpec(language), code.bad);
    expect(result.status).toBe('fail');
    expect(result.reason).toBe('postcondition "result >= 0" violated for abs_diff(-3, 5)');
    expect(result.details).toMatchObject({ violation: { input: [-3, 5] } });
  });

  test('inputs that break a precondition are skipped, not failures', async () => {
    const pre = language === 'typescript' ? 'a >= b' : 'a >= b';
    const result = await verify(absDiffSpec(language, { preconditions: [pre] }), code.bad);
    expect(result.status).toBe('pass');
    const details = result.details as { skipped: { precondition: number }; checked: number };
    expect(details.skipped.precondition).toBeGreaterThan(0);
    expect(details.checked).toBeGreaterThan(0);
  });

  test('invariants are checked after the call on the arguments as the candidate left them', async () => {
    expect((await verify(normalizeSpec(language), code.shiftGood)).status).toBe('pass');
    const result = await verify(normalizeSpec(language), code.shiftMutates);
    expect(result.status).toBe('fail');
    const invariant = language === 'typescript' ? '"xs.every((x) => x >= 0)"' : '"all(x >= 0 for x in xs)"';
    expect(result.reason).toMatch(new RegExp(`^invariant ${invariant.replace(/[()[\]]/g, '\\$&')} does not hold after shift\\(\\[`));
  });

  test('a candidate that loops forever fails with a timeout reason instead of hanging', async () => {
    const perCall = await verify(absDiffSpec(language), code.loop, new ContractsLayer({ runner, judge, generatedInputs: 0 }));
    expect(perCall).toMatchObject({ status: 'fail', reason: 'abs_diff(-3, 5) timed out after 300 ms' });
    const budget = await verify(absDiffSpec(language), code.loop, new ContractsLayer({ runner, judge, maxRunMs: 2000 }));
    expect(budget.reason).toMatch(/\(timeout\): the run went over its budget of 2000 ms/);
  }, 20_000);

  test('a candidate that does not load fails with the reason', async () => {
    const result = await verify(absDiffSpec(language), language === 'typescript' ? 'throw new Error("boom");' : 'raise ValueError("boom")\n');
    expect(result.status).toBe('fail');
    expect(result.reason).toMatch(/could not run its contract checks \(load-error\).*boom/);
  });
});

describe('contracts layer: exceptions and spec errors', () => {
  test('a throw on a precondition-satisfying input fails only when there are postconditions', async () => {
    const withPost = await layer.verify({ spec: absDiffSpec('typescript'), candidate: { language: 'typescript', code: TS.throws } });
    expect(withPost.status).toBe('fail');
    expect(withPost.reason).toMatch(/^abs_diff\(-3, 5\) threw RangeError: a < b/);
    const noPost = absDiffSpec('typescript', { postconditions: [], invariants: ['Number.isInteger(a)'] });
    const result = await layer.verify({ spec: noPost, candidate: { language: 'typescript', code: TS.throws } });
    expect(result.status).toBe('pass');
    expect((result.details as { threw: number }).threw).toBeGreaterThan(0);
  });

  test('an expression that does not compile is a spec error thrown by the layer (defensive), never a skip or a fail', async () => {
    // The spec check refuses such a spec before any sample; a spec that reaches the layer unchecked must not pass.
    const ts = layer.verify({ spec: absDiffSpec('typescript', { postconditions: ['result >='] }), candidate: { language: 'typescript', code: TS.good } });
    await expect(ts).rejects.toMatchObject({
      code: 'invalid_spec',
      issues: [{ path: 'postconditions.0', message: expect.stringMatching(/^spec: postconditions\.0: got "result >=", expected a valid TypeScript expression \(Expression expected/) as unknown }],
    });
    const py = layer.verify({ spec: absDiffSpec('python', { postconditions: ['result >='] }), candidate: { language: 'python', code: PY.good } });
    await expect(py).rejects.toMatchObject({ code: 'invalid_spec', issues: [{ path: 'postconditions.0', expected: expect.stringMatching(/^a valid Python expression \(invalid syntax/) as unknown }] });
  });

  test('fast-path preconditions and a plan with nothing to check after the call need no judge, with the judge\'s verdicts', async () => {
    const modes: string[] = [];
    const counting = { judge: (request: { mode: string }) => { modes.push(request.mode); return judge.judge(request as Parameters<SandboxJudge['judge']>[0]); } } as unknown as SandboxJudge;
    const fastLayer = new ContractsLayer({ runner, judge: counting, generatedInputs: 30 });
    const candidate = { language: 'typescript' as const, code: TS.throws };
    // On the fast path (`a >= b - 3`) against the same condition written off it (`Number(a) >= b - 3`): the judge decides.
    const fast = await fastLayer.verify({ spec: absDiffSpec('typescript', { preconditions: ['a >= b - 3'], postconditions: [] }), candidate });
    expect(modes).toEqual([]);
    // Off the fast path, with an invariant that always holds so that the judge also gives the verdicts after the call.
    const slow = await fastLayer.verify({ spec: absDiffSpec('typescript', { preconditions: ['Number(a) >= b - 3'], invariants: ['Number(a) === a'], postconditions: [] }), candidate });
    expect(modes).toEqual(['pre', 'check']);
    expect(fast).toMatchObject({ status: 'pass', details: slow.details as object });
    const details = fast.details as { skipped: { precondition: number }; threw: number };
    expect(details.skipped.precondition).toBeGreaterThan(0);
    expect(details.threw).toBeGreaterThan(0); // inputs with b - 3 <= a < b throw
    // With a postcondition the judge still checks the results; only the preconditions stay on the fast path.
    modes.length = 0;
    const post = await fastLayer.verify({ spec: absDiffSpec('typescript', { preconditions: ['a >= b'] }), candidate: { language: 'typescript', code: TS.bad } });
    expect(modes).toEqual(['check']);
    expect(post.status).toBe('pass');
  });

  test('appliesTo needs a precondition, postcondition or invariant', () => {
    expect(layer.appliesTo(absDiffSpec('python'))).toBe(true);
    expect(layer.appliesTo(absDiffSpec('python', { postconditions: [] }))).toBe(false);
  });
});
