import { describe, expect, test } from 'vitest';
import { resolvePyright, runPyright } from './run-pyright.js';

const CODE = 'def add(a: int, b: int) -> int:\n    return a + b\n';

describe.skipIf(resolvePyright() === undefined)('runPyright limits', () => {
  test('a run past timeoutMs is killed and reported as a tool error with the limit', async () => {
    const started = performance.now();
    const result = await runPyright({ code: CODE, timeoutMs: 300 });
    expect(result).toEqual({ status: 'tool-error', message: 'pyright timed out after 300 ms' });
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  test('a run over memoryLimitMb is reported as a tool error with the limit', async () => {
    expect(await runPyright({ code: CODE, memoryLimitMb: 16 })).toEqual({ status: 'tool-error', message: 'pyright ran out of memory (limit 16 MiB)' });
  });

  test('within the limits pyright checks normally', async () => {
    expect(await runPyright({ code: CODE, memoryLimitMb: 256 })).toMatchObject({ status: 'checked', diagnostics: [] });
  });
});
