import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Sandbox, SandboxRunRequest, SandboxRunResult } from '../sandbox/sandbox.js';
import { resolveDatasetProblem } from './importers/dataset.js';
import { DATASET_FILES, resolveDataDir } from './importers/data-dir.js';
import { scoreOnHiddenTests } from './score-hidden-tests.js';
import type { BenchmarkProblem } from './task-spec.js';

/**
 * Test-only Sandbox double: NO isolation. Runs only the datasets' canonical solutions and hand-written bodies,
 * never model output. Writes the files to a temp folder and spawns python3/node there with a wall-clock kill.
 */
const unsafeTestSandbox: Sandbox = {
  kind: 'unsafe-no-sandbox',
  async run(request: SandboxRunRequest): Promise<SandboxRunResult> {
    const folder = await mkdtemp(join(tmpdir(), 'zerr-spec-test-'));
    try {
      for (const [path, content] of Object.entries(request.files)) {
        await mkdir(dirname(join(folder, path)), { recursive: true });
        await writeFile(join(folder, path), content);
      }
      const command = request.runtime === 'python' ? '/usr/bin/python3' : process.execPath;
      const started = Date.now();
      return await new Promise<SandboxRunResult>((resolve) => {
        const child = spawn(command, [request.entry, ...(request.args ?? [])], { cwd: folder });
        let stdout = '';
        let stderr = '';
        let timedOut = false;
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        const timer = setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, request.limits?.wallTimeMs ?? 10_000);
        child.on('close', (exitCode, signal) => {
          clearTimeout(timer);
          resolve({ exitCode, signal, stdout, stderr, timedOut, outputTruncated: false, durationMs: Date.now() - started });
        });
      });
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  },
  close: () => Promise.resolve(),
};

const dataDir = resolveDataDir();
const hasPython = existsSync('/usr/bin/python3');
const hasData = existsSync(join(dataDir, DATASET_FILES.humaneval)) && existsSync(join(dataDir, DATASET_FILES['humaneval-ts']));

const score = (problem: BenchmarkProblem, code: string, timeoutMs = 10_000) =>
  scoreOnHiddenTests({ sandbox: unsafeTestSandbox, problem, code, timeoutMs });

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
    await expect(scoreOnHiddenTests({ sandbox: unsafeTestSandbox, problem, code: '', timeoutMs: -1 })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
  });
});
