import { afterAll, describe, expect, test } from 'vitest';
import { BwrapSandbox } from '../../sandbox/index.js';
import { TaskSpecSchema, type TaskSpec } from '../../task-spec/task-spec.js';
import { hasCloseElementsSpec, PY_CORRECT, TS_CORRECT } from '../../../test/fixtures/sandbox/specs.js';
import { StaticAnalysisLayer } from './static-analysis.js';

const sandbox = new BwrapSandbox();
const layer = new StaticAnalysisLayer({ sandbox });
afterAll(() => sandbox.close());

const withLimits = (language: 'typescript' | 'python', limits: Partial<TaskSpec['limits']>): TaskSpec => {
  const spec = hasCloseElementsSpec(language);
  return TaskSpecSchema.parse({ ...spec, limits: { ...spec.limits, ...limits } });
};
const verify = (language: 'typescript' | 'python', code: string, limits: Partial<TaskSpec['limits']> = {}) =>
  layer.verify({ spec: withLimits(language, limits), candidate: { language, code } });

/** `solve` has complexity 1 + 6 ifs = 7, starting on line 3. */
const TS_COMPLEX = `// helper first
const unused_ok = 1;
function solve(x: number): number {
  if (x === 1) return 1;
  if (x === 2) return 2;
  if (x === 3) return 3;
  if (x === 4) return 4;
  if (x === 5) return 5;
  if (x === 6) return 6;
  return 0;
}
`;
const PY_COMPLEX = `def has_close_elements(numbers, threshold):
    return False


def solve(x):
    if x == 1 and x > 0:
        return 1
    elif x == 2:
        return 2
    for i in range(x):
        while i:
            i -= 1
    try:
        pass
    except ValueError:
        pass
    return [y for y in range(3) if y] if x else 0
`;

describe('static-analysis layer', () => {
  test('clean TypeScript and Python candidates pass', { timeout: 30_000 }, async () => {
    const ts = await verify('typescript', TS_CORRECT);
    expect(ts, ts.reason).toMatchObject({ layer: 'static-analysis', status: 'pass' });
    expect(ts.details).toMatchObject({ codeLines: 10 });
    const py = await verify('python', PY_CORRECT);
    expect(py, py.reason).toMatchObject({ status: 'pass' });
    expect(py.details).toMatchObject({ codeLines: 7, functions: [{ name: 'has_close_elements', line: 4, complexity: 5 }] });
  });

  test('a too-complex TypeScript function fails naming its line, complexity and name', async () => {
    const result = await verify('typescript', TS_COMPLEX, { maxComplexity: 5 });
    expect(result.status).toBe('fail');
    expect(result.reason).toBe('line 3: complexity 7 > maxComplexity 5 (function solve)');
    expect((await verify('typescript', TS_COMPLEX, { maxComplexity: 7 })).status).toBe('pass');
  });

  test('a too-complex Python function fails; counting follows the documented McCabe rules', async () => {
    // 1 + if + and + elif + for + while + except + comprehension for + its if + ternary = 10
    const result = await verify('python', PY_COMPLEX, { maxComplexity: 9 });
    expect(result.status).toBe('fail');
    expect(result.reason).toBe('line 5: complexity 10 > maxComplexity 9 (function solve)');
    expect((await verify('python', PY_COMPLEX, { maxComplexity: 10 })).status).toBe('pass');
  });

  test('over maxLines fails; blank and comment lines do not count', async () => {
    const padded = `// a comment\n\n/* block\n comment */\n${TS_CORRECT}\n\n`;
    expect((await verify('typescript', padded, { maxLines: 10 })).status).toBe('pass');
    expect(await verify('typescript', padded, { maxLines: 9 })).toMatchObject({ status: 'fail', reason: 'line 0: 10 code lines > maxLines 9' });
    const pyPadded = `# comment\n\n${PY_CORRECT}\n    # trailing\n`;
    expect((await verify('python', pyPadded, { maxLines: 7 })).status).toBe('pass');
    expect(await verify('python', pyPadded, { maxLines: 6 })).toMatchObject({ status: 'fail', reason: 'line 0: 7 code lines > maxLines 6' });
  });

  test('error-level rules fail with line and rule; report-only rules are warnings', async () => {
    const code = `function has_close_elements(numbers: number[], threshold: number): boolean {
  const unused = 3;
  if (numbers.length == 0) return false;
  return threshold !== threshold;
  return true;
}
`;
    const result = await verify('typescript', code);
    expect(result.status).toBe('fail');
    expect(result.reason).toMatch(/^line 4: .*\(no-self-compare\) \(and 1 more\)$/);
    const findings = (result.details as { findings: { line: number; rule: string; severity: string }[] }).findings;
    expect(findings).toContainEqual(expect.objectContaining({ line: 5, rule: 'no-unreachable', severity: 'error' }));
    expect(findings).toContainEqual(expect.objectContaining({ line: 2, rule: '@typescript-eslint/no-unused-vars', severity: 'warning' }));
    expect(findings).toContainEqual(expect.objectContaining({ line: 3, rule: 'eqeqeq', severity: 'warning' }));
  });

  test('type-aware rules run on the candidate program', async () => {
    const code = `function has_close_elements(numbers: number[], threshold: number): boolean {
  const always = "x";
  if (always) return numbers.length > threshold;
  return false;
}
`;
    const result = await verify('typescript', code);
    expect(result.status).toBe('pass');
    expect((result.details as { findings: unknown[] }).findings).toContainEqual(
      expect.objectContaining({ line: 3, rule: '@typescript-eslint/no-unnecessary-condition', severity: 'warning' }),
    );
  });

  describe('with contextCode', () => {
    /** 6 code lines (a comment line does not count); `solve` from TS_COMPLEX has complexity 7. */
    const TS_CONTEXT = `// verified helper\nfunction lift(x: number, low: number): number {\n  if (x < low) {\n    return low;\n  }\n  return x;\n}`;
    const withContext = (language: 'typescript' | 'python', contextCode: string, limits: Partial<TaskSpec['limits']>): TaskSpec =>
      TaskSpecSchema.parse({ ...withLimits(language, limits), contextCode });

    test('maxLines counts only the lines after the context', async () => {
      const spec = withContext('typescript', TS_CONTEXT, { maxLines: 10 });
      const code = `${TS_CONTEXT}\n${TS_CORRECT}`;
      const result = await layer.verify({ spec, candidate: { language: 'typescript', code } });
      expect(result, result.reason).toMatchObject({ status: 'pass' });
      expect(result.details).toMatchObject({ codeLines: 10, contextCodeLines: 6 });
      expect(await layer.verify({ spec: withContext('typescript', TS_CONTEXT, { maxLines: 9 }), candidate: { language: 'typescript', code } }))
        .toMatchObject({ status: 'fail', reason: 'line 0: 10 code lines > maxLines 9' });
      // Control: the same code without a context in the spec counts all 16 lines.
      expect(await verify('typescript', code, { maxLines: 10 })).toMatchObject({ status: 'fail', reason: 'line 0: 16 code lines > maxLines 10' });
      // A candidate that does not start with the context is counted whole.
      const other = await layer.verify({ spec, candidate: { language: 'typescript', code: `${TS_CORRECT}${TS_CONTEXT}\n` } });
      expect(other).toMatchObject({ status: 'fail', reason: 'line 0: 16 code lines > maxLines 10' });
    });

    test("the context's own complexity does not count; the candidate's does", async () => {
      // A verified dependency of complexity 7 under a task whose maxComplexity is 5 (simplify-and-retry halves limits).
      const spec = withContext('typescript', TS_COMPLEX, { maxComplexity: 5 });
      const result = await layer.verify({ spec, candidate: { language: 'typescript', code: `${TS_COMPLEX}${TS_CORRECT}` } });
      expect(result, result.reason).toMatchObject({ status: 'pass' });
      // Control: without the context in the spec, the same code fails on that function.
      expect(await verify('typescript', `${TS_COMPLEX}${TS_CORRECT}`, { maxComplexity: 5 }))
        .toMatchObject({ status: 'fail', reason: 'line 3: complexity 7 > maxComplexity 5 (function solve)' });
      // The candidate's own complex function still fails, reported at its line after the context.
      const own = await layer.verify({ spec: withContext('typescript', TS_CONTEXT, { maxComplexity: 5 }), candidate: { language: 'typescript', code: `${TS_CONTEXT}\n${TS_COMPLEX}` } });
      expect(own).toMatchObject({ status: 'fail', reason: expect.stringMatching(/^line (9|1\d): complexity 7 > maxComplexity 5 \(function solve\)$/) });
    });

    test('Python: the context lines are subtracted as well', { timeout: 30_000 }, async () => {
      const context = 'def double(x: float) -> float:\n    # twice\n    return 2 * x\n';
      const code = `${context}${PY_CORRECT}`;
      const result = await layer.verify({ spec: withContext('python', context, { maxLines: 7 }), candidate: { language: 'python', code } });
      expect(result, result.reason).toMatchObject({ status: 'pass', details: { codeLines: 7, contextCodeLines: 2 } });
      expect(await layer.verify({ spec: withContext('python', context, { maxLines: 6 }), candidate: { language: 'python', code } }))
        .toMatchObject({ status: 'fail', reason: 'line 0: 7 code lines > maxLines 6' });
      expect(await verify('python', code, { maxLines: 7 })).toMatchObject({ status: 'fail', reason: 'line 0: 9 code lines > maxLines 7' });
    });
  });
});
