import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { InvalidArgumentError } from '../../errors/index.js';
import { AnalysisTimeoutError, AnalysisWorkerError } from './analysis-limit-error.js';
import { TypeScriptCompilerService } from './typescript-compiler-service.js';
import { TypeScriptTypeChecker } from './typescript-type-checker.js';
import { typeBomb } from '../../../test/fixtures/typescript/type-bomb.js';

const BAD = 'function f(a: number[]): number {\n  const m = new Map<string, number>();\n  return m.get("x") + a.at(-1)!;\n}\n';

describe('TypeScriptTypeChecker (worker thread)', () => {
  const checker = new TypeScriptTypeChecker();
  afterAll(() => checker.close());

  test('reports what the in-thread service reports', async () => {
    const inThread = new TypeScriptCompilerService().checkTypes(BAD);
    const inWorker = await checker.checkTypes(BAD);
    expect(inWorker.semantic).toEqual(inThread.semantic);
    expect(inWorker.semantic.map((d) => `${d.line}:${d.code}`)).toContain('3:2532');
  });

  test('a check past timeoutMs is stopped with AnalysisTimeoutError; a check queued behind it gets its full limit', async () => {
    const started = performance.now();
    const bomb = checker.checkTypes(typeBomb(22), { timeoutMs: 500 });
    const queued = checker.checkTypes('const ok: number = 1;', { timeoutMs: 300 });
    await expect(bomb).rejects.toThrow(AnalysisTimeoutError);
    await expect(bomb).rejects.toMatchObject({ code: 'analysis_timed_out', timeoutMs: 500, message: 'type check timed out after 500 ms' });
    expect(performance.now() - started).toBeLessThan(1_500);
    // It waited for the bomb and for a new worker to start, longer than 300 ms, yet its limit counts only its own check.
    expect((await queued).semantic).toEqual([]);
  });

  test('an abort stops a check in flight with the signal reason, and drops a queued one; the next check runs', async () => {
    const controller = new AbortController();
    const inFlight = checker.checkTypes(typeBomb(22), { timeoutMs: 60_000, signal: controller.signal });
    const queued = checker.checkTypes('const a = 1;', { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('run cancelled')), 300);
    await expect(inFlight).rejects.toThrow('run cancelled');
    await expect(queued).rejects.toThrow('run cancelled');
    expect((await checker.checkTypes('const b: string = "b";')).semantic).toEqual([]);
  });

  test('close() ends the worker; a later check starts a new one', async () => {
    await checker.close();
    expect((await checker.checkTypes('const c: number = 3;')).semantic).toEqual([]);
  });

  test('a worker that cannot start is an engine fault (during: start), not a candidate failure', async () => {
    const unstartable = new TypeScriptTypeChecker({ startTimeoutMs: 1 });
    await expect(unstartable.checkTypes('const a = 1;')).rejects.toMatchObject({
      code: 'analysis_worker_failed', during: 'start', isRetryable: true,
    });
    await expect(unstartable.checkTypes('const a = 1;')).rejects.toBeInstanceOf(AnalysisWorkerError);
    await unstartable.close();
  });

  test('limits are validated at the boundary', async () => {
    expect(() => new TypeScriptTypeChecker({ memoryLimitMb: 8 })).toThrow(InvalidArgumentError);
    await expect(async () => checker.checkTypes('1', { timeoutMs: 0 })).rejects.toMatchObject({ parameter: 'options.timeoutMs' });
  });

  test('an idle worker does not keep the process alive, and a check in flight does', async () => {
    const module = fileURLToPath(new URL('./typescript-type-checker.ts', import.meta.url));
    const script = `import { TypeScriptTypeChecker } from ${JSON.stringify(module)};\n` +
      `const result = await new TypeScriptTypeChecker().checkTypes('const x: number = "x";');\n` +
      `console.log(JSON.stringify(result.semantic.map((d) => d.code)));\n`;
    // --import tsx runs the TypeScript sources in the main thread. The checker is not closed on purpose; the awaited
    // check must finish (exit code 13 would mean the process quit during it).
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 30_000 }, (error, out, err) => {
        if (error !== null) reject(new Error(`${error.message}\n${err}`));
        else resolve(out);
      });
    });
    expect(stdout.trim()).toBe('[2322]');
  });
});
