import { afterAll, describe, expect, test } from 'vitest';
import { BwrapSandbox, SandboxCandidateRunner } from '../../sandbox/index.js';
import { TaskSpecSchema, type TaskSpec } from '../../task-spec/task-spec.js';
import { judgeGrowth } from '../performance/growth-check.js';
import { median } from '../performance/median.js';
import { parameterTypes, renderSizedCall, sizedArgs } from '../performance/sized-inputs.js';
import { PerformanceLayer } from './performance.js';

const sandbox = new BwrapSandbox();
const runner = new SandboxCandidateRunner({ sandbox, startupAllowanceMs: 3000 });
// Timing-based: more repetitions and a longer ladder (up to 8192) keep the 4x-vs-2x separation clear on a loaded machine.
const layer = new PerformanceLayer({ runner, repeat: 7, maxSize: 8192 });
afterAll(() => sandbox.close());

function spec(language: 'typescript' | 'python', timeoutMs = 1000, withTests = true): TaskSpec {
  const ts = language === 'typescript';
  return TaskSpecSchema.parse({
    id: `perf/count-distinct-${language}`,
    name: 'count_distinct',
    description: 'Number of distinct values.',
    language,
    signature: { entryPoint: 'count_distinct', inputs: [{ name: 'xs', type: ts ? 'number[]' : 'List[int]' }], output: { type: ts ? 'number' : 'int' } },
    testCases: withTests ? [{ inputs: [[1, 2, 2, 3]], expected: 3 }] : [],
    limits: { timeoutMs },
  });
}

const TS_LINEAR = 'function count_distinct(xs: number[]): number { return new Set(xs).size; }';
const TS_QUADRATIC = `function count_distinct(xs: number[]): number {
  let n = 0;
  for (let i = 0; i < xs.length; i++) {
    let seen = false;
    for (let j = 0; j < i; j++) if (xs[j] === xs[i]) seen = true;
    if (!seen) n++;
  }
  return n;
}`;
const PY_QUADRATIC = `def count_distinct(xs):
    out = []
    for x in xs:
        if x not in out:
            out.append(x)
    return len(out)
`;
const PY_LINEAR = 'def count_distinct(xs):\n    return len(set(xs))\n';

describe('performance helpers', () => {
  test('median, sized inputs and rendering', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeUndefined();
    const types = parameterTypes('python', { entryPoint: 'f', inputs: [{ name: 'xs', type: 'List[int]' }, { name: 's', type: 'str' }, { name: 'k', type: 'int' }], output: { type: 'int' } });
    const args = sizedArgs(types ?? [], 300);
    expect((args?.[0] as number[]).length).toBe(300);
    expect((args?.[1] as string).length).toBe(300);
    expect(args?.[2]).toBe(3);
    expect(sizedArgs(types ?? [], 300)).toEqual(args); // seeded: reproducible
    expect(sizedArgs(parameterTypes('typescript', { entryPoint: 'f', inputs: [{ name: 'k', type: 'number' }], output: { type: 'number' } }) ?? [], 10)).toBeUndefined();
    expect(renderSizedCall('f', args ?? [])).toBe('f([...300 items], "..." (300 chars), 3)');
  });

  test('judgeGrowth: growth per doubling over the measurable span, flagged above 3x at n >= 256', () => {
    const ladder = (ms: (number | 'timeout')[]) => ms.map((m, i) => ({ size: 256 * 2 ** i, medianMs: m }));
    expect(judgeGrowth(ladder([0.1, 0.3, 2.5, 10.2, 40]), { timeoutMs: 1000 })).toMatchObject({ kind: 'flagged', n: 1024, nLast: 4096, ratio: 4 });
    expect(judgeGrowth(ladder([2, 4.2, 8]), { timeoutMs: 1000 })).toMatchObject({ kind: 'ok', n: 256, nLast: 1024, ratio: 2 });
    expect(judgeGrowth(ladder([2, 9, 'timeout']), { timeoutMs: 1000 })).toMatchObject({ kind: 'flagged', nLast: 512, ratio: 4.5 });
    expect(judgeGrowth(ladder([0.1, 0.2, 0.4]), { timeoutMs: 1000 })).toMatchObject({ kind: 'inconclusive' });
    expect(judgeGrowth(ladder([0.5, 100, 'timeout']), { timeoutMs: 1000 })).toMatchObject({ kind: 'flagged', n: 512, ratio: 10 }); // a bound
    expect(judgeGrowth([{ size: 128, medianMs: 5 }, { size: 256, medianMs: 50 }], { timeoutMs: 1000 })).toMatchObject({ kind: 'inconclusive' });
    // A stall inflating the smallest measurable size flattens the whole span (1.7x); the last two doublings show 4x.
    expect(judgeGrowth(ladder([1.2, 1.4, 2, 8, 32, 128]), { timeoutMs: 1000 })).toMatchObject({ kind: 'flagged', n: 2048, nLast: 8192, ratio: 4 });
    // A linear ladder stays ok over both spans.
    expect(judgeGrowth(ladder([1.2, 2.4, 4.8, 9.6, 19.2, 38.4]), { timeoutMs: 1000 })).toMatchObject({ kind: 'ok', n: 256, ratio: 2 });
  });
});

describe('PerformanceLayer (real bwrap sandbox)', () => {
  test('a linear TypeScript candidate passes, a quadratic one is flagged as accidentally quadratic', async () => {
    const linear = await layer.verify({ spec: spec('typescript'), candidate: { language: 'typescript', code: TS_LINEAR } });
    expect(linear.status, linear.reason).toBe('pass');
    expect(linear.reason).toMatch(/^slowest median [\d.]+ ms <= timeoutMs 1000 over 1 inputs; growth: /);
    const quadratic = await layer.verify({ spec: spec('typescript'), candidate: { language: 'typescript', code: TS_QUADRATIC } });
    expect(quadratic.status, quadratic.reason).toBe('fail');
    expect(quadratic.reason).toMatch(/^accidentally quadratic: time grows [\d.]+x per doubling of the input, from [\d.]+ ms at n=\d+ to [\d.]+ ms for count_distinct\(\[\.\.\.8192 items\]\) \(limit 3x at n >= 256\)$/);
    const growth = (quadratic.details as { growth: { verdict: { ratio: number }; transportMs?: number[] } }).growth;
    expect(growth.verdict.ratio).toBeGreaterThan(3);
    // The trusted stub's transport times, one per ladder size (256..8192), are what was subtracted.
    expect(growth.transportMs).toHaveLength(6);
    expect(growth.transportMs?.every((ms) => ms > 0 && ms < 1000)).toBe(true);
  });

  test('a Python candidate: linear passes, quadratic is flagged', async () => {
    const linear = await layer.verify({ spec: spec('python'), candidate: { language: 'python', code: PY_LINEAR } });
    expect(linear.status, linear.reason).toBe('pass');
    const quadratic = await layer.verify({ spec: spec('python'), candidate: { language: 'python', code: PY_QUADRATIC } });
    expect(quadratic.status, quadratic.reason).toBe('fail');
    expect(quadratic.reason).toMatch(/^accidentally quadratic: /);
  });

  test('a median over timeoutMs on a test input fails with the measured median', async () => {
    const slow = `function count_distinct(xs: number[]): number { const end = Date.now() + 150; while (Date.now() < end) {} return new Set(xs).size; }`;
    const r = await new PerformanceLayer({ runner, repeat: 3, growthCheck: false }).verify({
      spec: spec('typescript', 100),
      candidate: { language: 'typescript', code: slow },
    });
    expect(r.status).toBe('fail');
    expect(r.reason).toMatch(/^median \d+(\.\d+)? ms > timeoutMs 100 for count_distinct\(\[1,2,2,3\]\)$/);
    const calls = (r.details as { calls: { timesMs: number[] }[] }).calls;
    expect(calls[0]?.timesMs).toHaveLength(3);
  });

  test('applies to specs with tests or sized parameters; the run failure is a failed layer', async () => {
    expect(layer.appliesTo(spec('typescript', 1000, false))).toBe(true);
    const r = await layer.verify({ spec: spec('python'), candidate: { language: 'python', code: 'raise SystemExit(3)\n' } });
    expect(r.status).toBe('fail');
    expect(r.reason).toMatch(/^the candidate could not be timed \(load-error\)/);
  });
});
