import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BwrapSandbox } from '../sandbox/index.js';
import { resolveDatasetProblem } from '../task-spec/importers/dataset.js';
import { DATASET_FILES, resolveDataDir } from '../task-spec/importers/data-dir.js';
import type { BenchmarkProblem } from '../task-spec/task-spec.js';
import { scoreOnHiddenTests } from './score-hidden-tests.js';

const sandbox = new BwrapSandbox();
afterAll(() => sandbox.close());

const dataDir = resolveDataDir();
const hasPython = existsSync('/usr/bin/python3');
const hasData = existsSync(join(dataDir, DATASET_FILES.humaneval)) && existsSync(join(dataDir, DATASET_FILES['humaneval-ts']));

const score = (problem: BenchmarkProblem, code: string, timeoutMs = 10_000) =>
  scoreOnHiddenTests({ sandbox, problem, code, timeoutMs });

describe.skipIf(!hasData)('scoreOnHiddenTests (real problems)', () => {
  it.skipIf(!hasPython)('HumanEval/0: the canonical solution passes, a wrong body fails', async () => {
    const problem = await resolveDatasetProblem('humaneval:HumanEval/0');
    const canonical =
      '    for idx, elem in enumerate(numbers):\n        for idx2, elem2 in enumerate(numbers):\n' +
      '            if idx != idx2:\n                distance = abs(elem - elem2)\n' +
      '                if distance < threshold:\n                    return True\n\n    return False\n';
    const good = await score(problem, `${problem.spec.stub ?? ''}${canonical}`);
    expect(good).toMatchObject({ passed: true, reason: 'passed' });
    const bad = await score(problem, `${problem.spec.stub ?? ''}    return False\n`);
    expect(bad).toMatchObject({ passed: false, reason: 'failed' });
    expect(bad.detail).toContain('AssertionError');
    const slow = await score(problem, `${problem.spec.stub ?? ''}    while True:\n        pass\n`, 500);
    expect(slow).toMatchObject({ passed: false, reason: 'timeout' });
  });

  it('HumanEval_0_has_close_elements (TypeScript): a correct body passes, a wrong one fails', async () => {
    const problem = await resolveDatasetProblem('humaneval-ts:HumanEval_0_has_close_elements');
    const body =
      '  for (let i = 0; i < numbers.length; i++)\n    for (let j = 0; j < numbers.length; j++)\n' +
      '      if (i !== j && Math.abs(numbers[i] - numbers[j]) < threshold) return true;\n  return false;\n}\n';
    const good = await score(problem, `${problem.spec.stub ?? ''}${body}`);
    expect(good).toMatchObject({ passed: true, reason: 'passed' });
    const bad = await score(problem, `${problem.spec.stub ?? ''}  return true;\n}\n`);
    expect(bad).toMatchObject({ passed: false, reason: 'failed' });
    expect(bad.detail).toContain('AssertionError');
    const broken = await score(problem, `${problem.spec.stub ?? ''}  return (;\n}\n`);
    expect(broken).toMatchObject({ passed: false, reason: 'syntax-error' });
  });
});

describe('scoreOnHiddenTests (arguments)', () => {
  it('rejects a bad timeout', async () => {
    const problem = { hidden: { language: 'python', program: '', runner: '' } } as unknown as BenchmarkProblem;
    await expect(scoreOnHiddenTests({ sandbox, problem, code: '', timeoutMs: -1 })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
  });
});
