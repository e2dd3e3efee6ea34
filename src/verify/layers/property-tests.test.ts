import { afterAll, describe, expect, test } from 'vitest';
import { BwrapSandbox, SandboxCandidateRunner } from '../../sandbox/index.js';
import { SandboxJudge } from '../judge/sandbox-judge.js';
import { TaskSpecSchema, type TaskSpec } from '../../task-spec/task-spec.js';
import { PropertyTestsLayer } from './property-tests.js';

const sandbox = new BwrapSandbox();
const runner = new SandboxCandidateRunner({ sandbox });
const judge = new SandboxJudge({ sandbox });
const layer = new PropertyTestsLayer({ runner, judge });
afterAll(() => sandbox.close());

function sortSpec(language: 'typescript' | 'python', preconditions: string[] = []): TaskSpec {
  const ts = language === 'typescript';
  return TaskSpecSchema.parse({
    id: `sort-${language}`, name: 'sort_list', description: 'Sort ascending.', language,
    signature: { entryPoint: 'sort_list', inputs: [{ name: 'xs', type: ts ? 'number[]' : 'List[int]' }], output: { type: ts ? 'number[]' : 'List[int]' } },
    preconditions,
    properties: [
      { name: 'same length', expression: ts ? 'result.length === xs.length' : 'len(result) == len(xs)' },
      {
        name: 'sorted',
        expression: ts ? 'result.every((x, i) => i === 0 || result[i - 1] <= x)' : 'all(result[i - 1] <= result[i] for i in range(1, len(result)))',
      },
    ],
    limits: { timeoutMs: 300 },
  });
}

const TS = {
  good: 'function sort_list(xs: number[]): number[] { return [...xs].sort((a, b) => a - b); }',
  identity: 'function sort_list(xs: number[]): number[] { return xs; }',
  shortOnly: 'function sort_list(xs: number[]): number[] { return xs.length <= 3 ? [...xs].sort((a, b) => a - b) : xs; }',
  loop: 'function sort_list(xs: number[]): number[] { for (;;) {} }',
};
const PY = {
  good: 'def sort_list(xs):\n    return sorted(xs)\n',
  identity: 'def sort_list(xs):\n    return xs\n',
  shortOnly: 'def sort_list(xs):\n    return sorted(xs) if len(xs) <= 3 else xs\n',
  loop: 'def sort_list(xs):\n    while True:\n        pass\n',
};

interface Counterexample {
  readonly input: unknown[];
  readonly original: unknown[];
  readonly shrinkRuns: number;
  readonly shrinkSteps: number;
}

describe.each([
  ['typescript', TS],
  ['python', PY],
] as const)('property-tests layer (%s)', (language, code) => {
  const verify = (spec: TaskSpec, source: string, with_ = layer) => with_.verify({ spec, candidate: { language, code: source } });

  test('a correct candidate passes on generated inputs', async () => {
    const result = await verify(sortSpec(language), code.good);
    expect(result).toMatchObject({ layer: 'property-tests', status: 'pass' });
    expect((result.details as { checked: number }).checked).toBeGreaterThan(50);
  });

  test('a violated property is found and shrunk to a smaller counterexample', async () => {
    const result = await verify(sortSpec(language), code.identity);
    expect(result.status).toBe('fail');
    expect(result.reason).toMatch(/^property "sorted" failed for sort_list\(\[[^\]]*\]\) \(shrunk from \[/);
    const { counterexample } = result.details as { counterexample: Counterexample };
    const shrunk = counterexample.input[0] as number[];
    const original = counterexample.original[0] as number[];
    expect(shrunk).toHaveLength(2);
    expect(shrunk.length).toBeLessThan(original.length);
    expect(shrunk[0]).toBeGreaterThan(shrunk[1] ?? Infinity);
    expect(counterexample.shrinkRuns).toBeLessThanOrEqual(20);
  });

  test('the same seed gives the same counterexample; the shrink-run cap is respected', async () => {
    const again = await verify(sortSpec(language), code.identity);
    const twice = await verify(sortSpec(language), code.identity);
    expect(twice.reason).toBe(again.reason);
    const capped = await verify(sortSpec(language), code.identity, new PropertyTestsLayer({ runner, judge, maxShrinkRuns: 1, shrinkBatchSize: 1 }));
    expect((capped.details as { counterexample: Counterexample }).counterexample.shrinkRuns).toBe(1);
  });

  test('preconditions filter the generated inputs', async () => {
    const pre = language === 'typescript' ? 'xs.length <= 3' : 'len(xs) <= 3';
    const result = await verify(sortSpec(language, [pre]), code.shortOnly);
    expect(result.status).toBe('pass');
    expect((result.details as { skipped: number }).skipped).toBeGreaterThan(0);
    expect((await verify(sortSpec(language), code.shortOnly)).status).toBe('fail');
  });

  test('a candidate that loops forever fails with a timeout reason instead of hanging', async () => {
    const result = await verify(sortSpec(language), code.loop, new PropertyTestsLayer({ runner, judge, maxRunMs: 3000 }));
    expect(result.status).toBe('fail');
    expect(result.reason).toMatch(/\(timeout\): the run went over its budget of 3000 ms/);
  }, 20_000);

  test('a candidate that does not load fails with the reason', async () => {
    const result = await verify(sortSpec(language), language === 'typescript' ? 'const = 1;' : 'def sort_list(:\n');
    expect(result.status).toBe('fail');
    expect(result.reason).toMatch(/could not run its property checks \(load-error\)/);
  });
});

test('property-tests: a per-call timeout on one input fails naming it; appliesTo needs properties', async () => {
  const code = 'function sort_list(xs: number[]): number[] { if (xs.length === 0) for (;;) {} return [...xs].sort((a, b) => a - b); }';
  const result = await layer.verify({ spec: sortSpec('typescript'), candidate: { language: 'typescript', code } });
  expect(result).toMatchObject({ status: 'fail', reason: 'sort_list([]) timed out after 300 ms' });
  expect(layer.appliesTo(TaskSpecSchema.parse({ ...sortSpec('python'), properties: [] }))).toBe(false);
});
