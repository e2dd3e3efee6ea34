import { describe, expect, test } from 'vitest';
import { MemoryRunStore } from './memory/memory-run-store.js';
import { resolveRunId } from './resolve-run-id.js';

const run = (id: string, createdAt: number) => ({ id, kind: 'solve', model: 'mock:x', config: {}, createdAt });

describe('resolveRunId', () => {
  test('resolves latest, exact ids, unique prefixes (with or without run-), and refuses ambiguous or unknown ones clearly', async () => {
    const store = new MemoryRunStore();
    await expect(resolveRunId(store, 'latest')).rejects.toMatchObject({ code: 'run_not_found', message: 'No runs are recorded in this store yet.' });
    await store.createRun(run('run-20260101-101500-aaaaaa', 1000));
    await store.createRun(run('run-20260101-101500-aaaaaa2', 500));
    await store.createRun(run('run-20260102-090000-bbbbbb', 3000));
    await store.createRun(run('run-20260101-120000-cccccc', 2000));

    expect(await resolveRunId(store, 'latest')).toBe('run-20260102-090000-bbbbbb');
    expect(await resolveRunId(store, ' latest ')).toBe('run-20260102-090000-bbbbbb');
    expect(await resolveRunId(store, 'run-20260102')).toBe('run-20260102-090000-bbbbbb');
    expect(await resolveRunId(store, '20260101-12')).toBe('run-20260101-120000-cccccc');
    // An exact id wins over the longer id it prefixes.
    expect(await resolveRunId(store, 'run-20260101-101500-aaaaaa')).toBe('run-20260101-101500-aaaaaa');
    expect(await resolveRunId(store, 'run-20260101-101500-aaaaaa2')).toBe('run-20260101-101500-aaaaaa2');

    const ambiguous = await resolveRunId(store, 'run-20260101').then(() => undefined, (error: unknown) => error);
    expect(ambiguous).toMatchObject({ code: 'invalid_argument', parameter: 'runId', value: 'run-20260101' });
    expect((ambiguous as Error).message).toContain('matches 3 runs (run-20260101-120000-cccccc, run-20260101-101500-aaaaaa, run-20260101-101500-aaaaaa2)');
    const missing = await resolveRunId(store, 'run-1999').then(() => undefined, (error: unknown) => error);
    expect(missing).toMatchObject({ code: 'run_not_found', runId: 'run-1999' });
    expect((missing as Error).message).toBe('No run matches "run-1999" in this store; `zerr runs list` shows the recorded runs.');
    expect((missing as Error).message).not.toContain('createRun');
    await expect(resolveRunId(store, '  ')).rejects.toMatchObject({ code: 'invalid_argument', parameter: 'runId' });
  });
});
