/**
 * The SQLite store on storage that fails, for real: SQLite's page cap (`PRAGMA max_page_count`) makes a write fail
 * with SQLITE_FULL exactly as a full disk does; a read-only connection gives SQLITE_READONLY. (A full or read-only
 * file system needs a mount: test/e2e/store-unavailable.test.ts does that where the machine allows it.)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { StoreOpenError } from '../errors/store-open-error.js';
import { isStoreUnavailable, StoreUnavailableError } from '../errors/store-unavailable-error.js';
import type { SampleRecord } from '../run-store.js';
import { explainStoreOpenFailure } from './open-failure.js';
import { SqliteRunStore } from './sqlite-run-store.js';
import { storageFailureOf } from './storage-failure.js';

let folder = '';
beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'zerr-storage-failure-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

const sample = (sampleIndex: number): SampleRecord => ({
  taskId: 't1', sampleIndex, model: 'mock', temperature: 0.7, promptVariant: 'plain', text: 'x'.repeat(2_000), code: null,
  inputTokens: 10, outputTokens: 500, latencyMs: 5, finishReason: 'stop', costUsd: null, createdAt: 1_000 + sampleIndex,
});

/** Records samples until a write fails; returns how many were recorded and the error. */
async function fill(store: SqliteRunStore, runId: string): Promise<{ recorded: number; error: unknown }> {
  for (let index = 0; index < 1_000; index += 1) {
    try {
      await store.recordSample(runId, sample(index));
    } catch (error) {
      return { recorded: index, error };
    }
  }
  throw new Error('the page cap never stopped a write');
}

describe('SqliteRunStore on a full disk (page cap)', () => {
  test('a write that needs a page past the cap is store_unavailable naming the file; nothing recorded is lost', async () => {
    const file = path.join(folder, 'full.sqlite');
    const store = await SqliteRunStore.open({ path: file });
    try {
      await store.createRun({ id: 'r1', kind: 'solve', model: 'mock', config: {}, createdAt: 1 });
      await store.recordTask('r1', { taskId: 't1', spec: {} });
      const before = await store.capPages(1);
      expect(await store.capPages(before + 2)).toBe(before + 2); // a cap below the size is raised to it
      const { recorded, error } = await fill(store, 'r1');
      expect(recorded).toBeGreaterThan(0);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(error).toMatchObject({
        code: 'store_unavailable', isRetryable: true, path: file, failure: 'disk-full', failureCode: 'SQLITE_FULL',
        operation: 'recordSample', run: undefined,
      });
      expect((error as Error).message).toBe(`store ${file}: disk full (SQLITE_FULL) in recordSample; free space on its disk and try again`);
      expect((error as Error).cause).toMatchObject({ code: 'SQLITE_FULL' });
      expect((await store.getRun('r1'))?.samples).toHaveLength(recorded); // reads go on; what was written is there
    } finally {
      await store.close();
    }
    // The cap belongs to that connection: reopened, the store takes writes again where it stopped.
    const again = await SqliteRunStore.open({ path: file });
    try {
      await again.recordSample('r1', sample(500));
      expect((await again.getRun('r1'))?.samples.length).toBeGreaterThan(1);
    } finally {
      await again.close();
    }
  });

  test('every kind of write fails the same way once the file is full', async () => {
    const store = await SqliteRunStore.open({ path: path.join(folder, 'full-kinds.sqlite') });
    try {
      await store.createRun({ id: 'r1', kind: 'build', model: 'mock', config: {}, createdAt: 1 });
      await store.recordTask('r1', { taskId: 't1', spec: {} });
      await store.capPages(1);
      const { error } = await fill(store, 'r1');
      expect(isStoreUnavailable(error)).toBe(true);
      const big = { blob: 'y'.repeat(20_000) };
      const failures = await Promise.all([
        store.recordCheckpoint('r1', { kind: 'build-start', body: big, createdAt: 2 }),
        store.appendEvents('r1', [{ id: 1, event: big }]),
        store.openEscalation('r1', { escalationId: 'e1', taskId: 't1', kind: 'code', reason: 'r', question: 'q', context: big, createdAt: 3 }),
      ].map((write) => write.then(() => undefined, (reason: unknown) => reason)));
      expect(failures.map((failure) => [(failure as StoreUnavailableError | undefined)?.code, (failure as StoreUnavailableError | undefined)?.operation]))
        .toEqual([['store_unavailable', 'recordCheckpoint'], ['store_unavailable', 'appendEvents'], ['store_unavailable', 'openEscalation']]);
    } finally {
      await store.close();
    }
  });

  test('capPages takes a positive integer only', async () => {
    const store = await SqliteRunStore.open({ path: ':memory:' });
    try {
      await expect(store.capPages(0)).rejects.toMatchObject({ code: 'invalid_argument', parameter: 'pages' });
      await expect(store.capPages(Number.NaN)).rejects.toMatchObject({ code: 'invalid_argument' });
    } finally {
      await store.close();
    }
  });
});

describe('storageFailureOf', () => {
  test('a write on a read-only connection is SQLITE_READONLY: read-only', () => {
    const file = path.join(folder, 'read-only.sqlite');
    new Database(file).exec('CREATE TABLE t (x)').close();
    const db = new Database(file, { readonly: true });
    try {
      let thrown: unknown;
      try {
        db.prepare('INSERT INTO t VALUES (1)').run();
      } catch (error) {
        thrown = error;
      }
      expect(storageFailureOf(thrown)).toEqual({ failure: 'read-only', failureCode: 'SQLITE_READONLY' });
    } finally {
      db.close();
    }
  });

  test.each([
    ['SQLITE_FULL', 'disk-full'],
    ['SQLITE_READONLY_DBMOVED', 'read-only'],
    ['SQLITE_IOERR', 'io-error'],
    ['SQLITE_IOERR_WRITE', 'io-error'],
    ['SQLITE_CANTOPEN', 'cannot-open'],
    ['SQLITE_CONSTRAINT_UNIQUE', undefined],
    ['SQLITE_BUSY', undefined],
    ['SQLITE_FULLNESS', undefined],
    ['ENOSPC', undefined],
  ])('%s -> %s', (code, failure) => {
    expect(storageFailureOf(Object.assign(new Error('x'), { code }))?.failure).toBe(failure);
  });

  test('anything without a string code is not a storage failure', () => {
    for (const value of [undefined, null, 'SQLITE_FULL', { code: 13 }]) expect(storageFailureOf(value)).toBeUndefined();
  });
});

describe('explainStoreOpenFailure', () => {
  test('a path nothing can be created in (SQLITE_CANTOPEN, folder writable) stays store_open_failed', async () => {
    const opened = await SqliteRunStore.open({ path: '/proc/zerr-open-failure.sqlite' }).then(() => undefined, (error: unknown) => error);
    expect(opened).toBeInstanceOf(StoreOpenError);
    const explained = await explainStoreOpenFailure(opened, '/proc/zerr-open-failure.sqlite');
    // As root /proc can be written to (and refuses the file); as a user it may not be written: bad input either way.
    expect((explained as { code?: unknown }).code).toBe('store_open_failed');
  });

  test('a full disk or an I/O error under the open is store_unavailable, operation open', async () => {
    const full = new StoreOpenError({ path: '/x/runs.sqlite', reason: 'database or disk is full', cause: Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }) });
    expect(await explainStoreOpenFailure(full, '/x/runs.sqlite')).toMatchObject({
      code: 'store_unavailable', failure: 'disk-full', failureCode: 'SQLITE_FULL', operation: 'open',
      message: 'store /x/runs.sqlite: disk full (SQLITE_FULL) in open; free space on its disk and try again',
    });
    const io = new StoreOpenError({ path: '/x/runs.sqlite', reason: 'disk I/O error', cause: Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_READ' }) });
    expect(await explainStoreOpenFailure(io, '/x/runs.sqlite')).toMatchObject({ code: 'store_unavailable', failure: 'io-error' });
  });

  test('other open failures are returned unchanged', async () => {
    const notDatabase = new StoreOpenError({ path: '/x', reason: 'file is not a database', cause: Object.assign(new Error('file is not a database'), { code: 'SQLITE_NOTADB' }) });
    expect(await explainStoreOpenFailure(notDatabase, '/x')).toBe(notDatabase);
  });
});

describe('StoreUnavailableError', () => {
  const base = new StoreUnavailableError({ path: '/p/runs.sqlite', failure: 'read-only', failureCode: 'SQLITE_READONLY', operation: 'recordVote' });

  test('duringRun says what became of the run and how to go on, in one line', () => {
    expect(base.duringRun({ runId: 'run-1', state: 'paused', statusRecorded: true }).message)
      .toBe('store /p/runs.sqlite: read-only (SQLITE_READONLY); run run-1 is paused: make the store writable, then run: zerr resume run-1');
    expect(base.duringRun({ runId: 'run-1', state: 'paused', statusRecorded: false }).message)
      .toBe('store /p/runs.sqlite: read-only (SQLITE_READONLY); run run-1 is paused (its status could not be recorded): make the store writable, then run: zerr resume run-1');
    expect(base.duringRun({ runId: 'run-1', state: 'not-started' }).message)
      .toBe('store /p/runs.sqlite: read-only (SQLITE_READONLY); run run-1 could not be recorded, nothing was sampled: make the store writable, then run the command again');
    const during = base.duringRun({ runId: 'run-1', state: 'paused', statusRecorded: true });
    expect(during).toMatchObject({ code: 'store_unavailable', path: base.path, failure: 'read-only', operation: 'recordVote', run: { runId: 'run-1' } });
    expect(during.message).not.toContain('\n');
  });
});
