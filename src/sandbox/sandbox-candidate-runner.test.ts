import { afterAll, describe, expect, test } from 'vitest';
import { BwrapSandbox } from './bwrap/bwrap-sandbox.js';
import type { CandidateRunResult } from './candidate-runner.js';
import { SandboxCandidateRunner } from './sandbox-candidate-runner.js';

const sandbox = new BwrapSandbox();
const runner = new SandboxCandidateRunner({ sandbox, startupAllowanceMs: 3000 });
afterAll(() => sandbox.close());

const ts = (code: string, entryPoint: string, calls: unknown[][], perCallTimeoutMs = 1000) =>
  runner.run({ language: 'typescript', code, entryPoint, calls, perCallTimeoutMs });
const py = (code: string, entryPoint: string, calls: unknown[][], perCallTimeoutMs = 1000) =>
  runner.run({ language: 'python', code, entryPoint, calls, perCallTimeoutMs });

function outcomes(result: CandidateRunResult) {
  if (result.kind !== 'ran') throw new Error(`expected ran, got ${JSON.stringify(result)}`);
  return result.outcomes;
}

const HAS_CLOSE_TS = `function has_close_elements(numbers: number[], threshold: number): boolean {
  for (let i = 0; i < numbers.length; i++)
    for (let j = i + 1; j < numbers.length; j++)
      if (Math.abs(numbers[i] - numbers[j]) < threshold) return true;
  return false;
}`;

describe('SandboxCandidateRunner (TypeScript)', () => {
  test('runs a correct MultiPL-E-style global function', async () => {
    const r = await ts(HAS_CLOSE_TS, 'has_close_elements', [[[1, 2, 3], 0.5], [[1, 2.8, 3], 0.3]]);
    expect(outcomes(r)).toEqual([{ kind: 'value', value: false }, { kind: 'value', value: true }]);
  });

  test('finds MBXP const-function and exported entry points', async () => {
    const mbxp = await ts('const f = function (a: number): number[] { return [a, a * 2]; };', 'f', [[3]]);
    expect(outcomes(mbxp)).toEqual([{ kind: 'value', value: [3, 6] }]);
    const exported = await ts('export function g(s: string): string { return s.toUpperCase(); }', 'g', [['ab']]);
    expect(outcomes(exported)).toEqual([{ kind: 'value', value: 'AB' }]);
    const arrow = await ts('export const h = (xs: number[]) => xs instanceof Array && xs.length;', 'h', [[[1, 2]]]);
    expect(outcomes(arrow)).toEqual([{ kind: 'value', value: 2 }]);
  });

  test('reports throws, per-call timeouts and special values per call', async () => {
    const code = `function f(x: number): unknown {
      if (x === 0) throw new RangeError('zero!');
      if (x === 1) { while (true) {} }
      if (x === 2) return new Promise(() => {});
      if (x === 3) return [NaN, -Infinity, -0, undefined, 10n ** 20n, new Set([2, 1])];
      if (x === 4) throw 'plain string';
      return Promise.resolve(x * 2);
    }`;
    const r = await ts(code, 'f', [[0], [1], [2], [3], [4], [5]], 300);
    const o = outcomes(r);
    expect(o[0]).toEqual({ kind: 'error', errorType: 'RangeError', message: 'zero!' });
    expect(o[1]).toEqual({ kind: 'timeout' });
    expect(o[2]).toEqual({ kind: 'timeout' });
    expect(o[3]).toEqual({ kind: 'value', value: [NaN, -Infinity, -0, undefined, 10n ** 20n, [2, 1]] });
    expect(Object.is((o[3] as { value: number[] }).value[2], -0)).toBe(true);
    expect(o[4]).toEqual({ kind: 'error', errorType: 'NonErrorThrown', message: 'plain string' });
    expect(o[5]).toEqual({ kind: 'value', value: 10 });
  });

  test('console noise and forged result lines do not count as results', async () => {
    const code = `function f(a: number): number {
      console.log('@@zerr-result-00000000000000000000000000000000@@{"kind":"ran","outcomes":[{"kind":"value","value":999}]}');
      console.log('{"kind":"ran","outcomes":[{"kind":"value","value":999}]}');
      return a + 1;
    }`;
    expect(outcomes(await ts(code, 'f', [[1]]))).toEqual([{ kind: 'value', value: 2 }]);
  });

  test('distinguishes load errors', async () => {
    const syntax = await ts('function f( {', 'f', [[1]]);
    expect(syntax).toMatchObject({ kind: 'failed', reason: 'load-error' });
    const throwing = await ts('throw new TypeError("at load"); function f() {}', 'f', [[1]]);
    expect(throwing).toMatchObject({ kind: 'failed', reason: 'load-error', message: 'TypeError: at load' });
    const missing = await ts('function g() { return 1; }', 'f', [[1]]);
    expect(missing).toMatchObject({ kind: 'failed', reason: 'load-error' });
    expect((missing as { message: string }).message).toContain('EntryPointNotFound');
    const importing = await ts('import { readFileSync } from "fs"; export function f() { return readFileSync; }', 'f', [[]]);
    expect(importing).toMatchObject({ kind: 'failed', reason: 'load-error' });
  });

  test('a loop in a promise job is stopped by the per-call timeout (the context drains its own microtasks)', async () => {
    const started = performance.now();
    const r = await new SandboxCandidateRunner({ sandbox, startupAllowanceMs: 1000 }).run({
      language: 'typescript',
      code: 'async function f(x: number) { await null; if (x === 0) while (true) {} return x; }',
      entryPoint: 'f',
      calls: [[0], [7]],
      perCallTimeoutMs: 200,
    });
    expect(outcomes(r)).toEqual([{ kind: 'timeout' }, { kind: 'value', value: 7 }]);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  test('console output never leaves the context: a flood of console.log is no flood', async () => {
    const flooding = new SandboxCandidateRunner({ sandbox, limits: { maxOutputBytes: 20_000 } });
    const r = await flooding.run({
      language: 'typescript',
      code: 'function f() { for (let i = 0; i < 1e5; i++) console.log("noise noise noise"); return 1; }',
      entryPoint: 'f',
      calls: [[]],
      perCallTimeoutMs: 2000,
    });
    expect(outcomes(r)).toEqual([{ kind: 'value', value: 1 }]);
  });

  test('rejects invalid requests', async () => {
    await expect(ts('', 'not an identifier', [[]])).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});

describe('SandboxCandidateRunner (Python)', () => {
  const HAS_CLOSE_PY = `from typing import List

def has_close_elements(numbers: List[float], threshold: float) -> bool:
    for i, a in enumerate(numbers):
        for b in numbers[i + 1:]:
            if abs(a - b) < threshold:
                return True
    return False
`;

  test('runs correct and wrong candidates', async () => {
    const r = await py(HAS_CLOSE_PY, 'has_close_elements', [[[1, 2, 3], 0.5], [[1, 2.8, 3], 0.3]]);
    expect(outcomes(r)).toEqual([{ kind: 'value', value: false }, { kind: 'value', value: true }]);
    const wrong = await py('def has_close_elements(n, t):\n    return True\n', 'has_close_elements', [[[1, 2, 3], 0.5]]);
    expect(outcomes(wrong)).toEqual([{ kind: 'value', value: true }]);
  });

  test('reports exceptions, per-call timeouts and converts values', async () => {
    const code = `import time
def f(x):
    print("noise", x)
    if x == 0:
        raise ValueError("bad value")
    if x == 1:
        while True:
            pass
    if x == 2:
        try:
            time.sleep(100)
        except Exception:
            return 'swallowed'
    if x == 3:
        return (1, 2), {3, 1, 2}, {1: 'a'}, float('nan'), float('-inf'), -0.0, 2 ** 70, None
    if x == 4:
        return object()
    return x * 2
`;
    const o = outcomes(await py(code, 'f', [[0], [1], [2], [3], [4], [5]], 300));
    expect(o[0]).toEqual({ kind: 'error', errorType: 'ValueError', message: 'bad value' });
    expect(o[1]).toEqual({ kind: 'timeout' });
    expect(o[2]).toEqual({ kind: 'timeout' });
    expect(o[3]).toEqual({ kind: 'value', value: [[1, 2], [1, 2, 3], { '1': 'a' }, NaN, -Infinity, -0, 2n ** 70n, null] });
    expect(o[4]).toMatchObject({ kind: 'error', errorType: 'UnserializableResult' });
    expect(o[5]).toEqual({ kind: 'value', value: 10 });
  });

  test('load errors and crashes are told apart', async () => {
    expect(await py('def f(:\n  pass', 'f', [[1]])).toMatchObject({ kind: 'failed', reason: 'load-error' });
    expect(await py('import sys\nsys.exit(3)', 'f', [[1]])).toMatchObject({ kind: 'failed', reason: 'load-error' });
    const crash = await py('import os\ndef f(x):\n    os._exit(7)', 'f', [[1]]);
    expect(crash).toMatchObject({ kind: 'failed', reason: 'crashed' });
    expect((crash as { message: string }).message).toContain('exit code 7');
  });

  test('forged result lines are rejected: a candidate that prints a fake line and exits crashes', async () => {
    const code = `import os, sys
def f(x):
    sys.stdout.write('\\n@@zerr-result-deadbeef@@{"kind":"ran","outcomes":[{"kind":"value","value":1}]}\\n')
    sys.stdout.flush()
    os._exit(0)
`;
    expect(await py(code, 'f', [[1]])).toMatchObject({ kind: 'failed', reason: 'crashed' });
  });
});

describe('SandboxCandidateRunner repeat and timings', () => {
  test('repeat runs each call n times, round by round, and reports host-side times; without it there are none', async () => {
    const busy = (ms: number) => `const end = Date.now() + ${ms}; while (Date.now() < end) {}`;
    const code = `let calls = 0; function f(x: number): number { calls++; if (x === 2) throw new Error('no'); ${busy(20)} return calls; }`;
    const r = await runner.run({ language: 'typescript', code, entryPoint: 'f', calls: [[1], [2], [3]], perCallTimeoutMs: 500, repeat: 4 });
    if (r.kind !== 'ran') throw new Error(JSON.stringify(r));
    expect(r.outcomes[0]).toEqual({ kind: 'value', value: 1 }); // the first repetition's outcome
    // Round by round: f(3) is the third call made (f(1), f(2), f(3)), not the sixth (f(1) four times, then f(2)).
    expect(r.outcomes[2]).toEqual({ kind: 'value', value: 3 });
    expect(r.callTimesMs?.[0]).toHaveLength(4);
    for (const t of r.callTimesMs?.[0] ?? []) expect(t).toBeGreaterThanOrEqual(19);
    expect(r.callTimesMs?.[1]).toHaveLength(1); // stops at the first throw
    expect(r.callTimesMs?.[2]).toHaveLength(4);
    const p = await runner.run({ language: 'python', code: 'import time\ndef f(x):\n    time.sleep(0.02)\n    return x\n', entryPoint: 'f', calls: [[1]], perCallTimeoutMs: 500, repeat: 3 });
    if (p.kind !== 'ran') throw new Error(JSON.stringify(p));
    expect(p.callTimesMs?.[0]).toHaveLength(3);
    expect(Math.min(...(p.callTimesMs?.[0] ?? []))).toBeGreaterThanOrEqual(19);
    const plain = await ts('function f(x: number): number { return x; }', 'f', [[1]]);
    expect(plain).not.toHaveProperty('callTimesMs');
  });

  test('the vm context is sealed: no route from candidate code to the harness process', async () => {
    const code = `declare const console: any; declare const module: any;
    function f(x: number): string[] {
      const tries: [string, () => any][] = [
        ['console', () => console.log.constructor('return typeof process')()],
        ['global', () => (globalThis as any).constructor.constructor('return typeof process')()],
        ['module', () => module.constructor.constructor('return typeof process')()],
      ];
      return tries.map(([name, t]) => { try { return name + ':' + t(); } catch (e) { return name + ':blocked'; } });
    }`;
    expect(outcomes(await ts(code, 'f', [[1]]))).toEqual([{ kind: 'value', value: ['console:undefined', 'global:undefined', 'module:undefined'] }]);
  });
});

describe('SandboxCandidateRunner.prestart', () => {
  test('asks the sandbox to start a process for the very request the next run of that language makes (the pool\'s key)', async () => {
    const starts: unknown[] = [];
    const prestarts: unknown[] = [];
    const recording = {
      prestart: (request: unknown) => { prestarts.push(request); sandbox.prestart(request as Parameters<BwrapSandbox['prestart']>[0]); },
      start: (request: unknown) => { starts.push(request); return sandbox.start(request as Parameters<BwrapSandbox['start']>[0]); },
      run: sandbox.run.bind(sandbox),
      close: () => Promise.resolve(),
    } as unknown as BwrapSandbox;
    const spied = new SandboxCandidateRunner({ sandbox: recording, startupAllowanceMs: 3000 });
    spied.prestart('typescript');
    spied.prestart('python');
    const run = await spied.run({ language: 'typescript', code: 'function f(a: number): number { return a + 1; }', entryPoint: 'f', calls: [[1]], perCallTimeoutMs: 1000 });
    expect(outcomes(run)).toEqual([{ kind: 'value', value: 2 }]);
    expect(prestarts).toHaveLength(2);
    expect(prestarts[0]).toEqual(starts[0]); // same request: the sandbox's pool hands the started process over
    expect(prestarts[1]).toMatchObject({ runtime: 'python', entry: 'harness.py' });
  });
});
