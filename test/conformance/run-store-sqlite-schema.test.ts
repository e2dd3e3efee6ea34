/**
 * @module test/conformance/run-store-sqlite-schema.test
 * The SQLite store's file handling: schema versioning and forward-only migrations, the pragmas it sets, refusing
 * files that are not a Zero-Error database (StoreOpenError), and the default path helpers.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  resolveStorePath,
  runStoreDefaultPath,
  SCHEMA_VERSION,
  SqliteRunStore,
  StoreOpenError,
} from '../../src/store/index.js';
import { MIGRATIONS, SCHEMA_TABLE } from '../../src/store/sqlite/migrations.js';
import { openDatabase } from '../../src/store/sqlite/open-database.js';
import { newRun, sample } from './run-store-fixtures.js';

let folder = '';
let n = 0;
const fresh = (): string => path.join(folder, `db-${(n += 1)}`, 'runs.sqlite');
beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'zerr-run-store-schema-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

function inspect(file: string): { versions: unknown[]; pragmas: Record<string, unknown>; tables: string[] } {
  const db = new Database(file, { readonly: true });
  try {
    return {
      versions: db.prepare(`SELECT version, name, applied_at AS appliedAt FROM ${SCHEMA_TABLE} ORDER BY version`).all(),
      pragmas: { journal_mode: db.pragma('journal_mode', { simple: true }), application_id: db.pragma('application_id', { simple: true }) },
      tables: db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[],
    };
  } finally {
    db.close();
  }
}

describe('SQLite run store schema', () => {
  it('creates schema version N on a fresh file; opening again is a no-op', async () => {
    const file = fresh();
    const store = await SqliteRunStore.open({ path: file });
    await store.createRun(newRun());
    await store.close();
    const first = inspect(file);
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
    expect(first.versions.map((v) => (v as { version: number }).version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(first.pragmas).toEqual({ journal_mode: 'wal', application_id: 0x7a657272 });
    expect(first.tables).toEqual(
      ['decisions', 'layer_results', 'red_flags', 'runs', 'samples', 'tasks', 'votes', SCHEMA_TABLE].sort(),
    );

    const again = await SqliteRunStore.open({ path: file });
    expect((await again.getRun('run-1'))?.id).toBe('run-1');
    await again.close();
    expect(inspect(file)).toEqual(first);
  });

  it('sets foreign keys, synchronous and busy_timeout on the connection', () => {
    const db = openDatabase({ path: fresh(), busyTimeoutMs: 1234 });
    try {
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
      expect(db.pragma('busy_timeout', { simple: true })).toBe(1234);
    } finally {
      db.close();
    }
  });

  it('applies only the pending migrations, forward, keeping the data', async () => {
    const file = fresh();
    const store = await SqliteRunStore.open({ path: file });
    await store.createRun(newRun());
    await store.recordSample('run-1', sample('t1', 0));
    await store.close();
    const before = inspect(file);
    const v2 = [...MIGRATIONS, { version: MIGRATIONS.length + 1, name: 'test: add a column', sql: 'ALTER TABLE runs ADD COLUMN note TEXT' }];
    openDatabase({ path: file, migrations: v2 }).close();
    const after = inspect(file);
    expect(after.versions.map((v) => (v as { version: number }).version)).toEqual(v2.map((m) => m.version));
    expect(after.versions[0]).toEqual(before.versions[0]); // version 1 was not re-applied
    const raw = new Database(file, { readonly: true });
    expect(raw.prepare('SELECT id, note FROM runs').all()).toEqual([{ id: 'run-1', note: null }]);
    raw.close();
    // Older code must refuse a newer schema rather than write into it.
    const error = await SqliteRunStore.open({ path: file }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(StoreOpenError);
    expect((error as StoreOpenError).message).toContain('newer');
  });

  it('rejects files that are not a Zero-Error database, naming the path, and leaves them untouched', async () => {
    const garbage = fresh();
    await mkdir(path.dirname(garbage), { recursive: true });
    await writeFile(garbage, 'this is not a database, just text '.repeat(200));
    const other = fresh();
    await mkdir(path.dirname(other), { recursive: true });
    const foreign = new Database(other);
    foreign.exec("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('ada')");
    foreign.close();
    const aFolder = path.join(folder, 'a-folder');
    await mkdir(aFolder);
    for (const file of [garbage, other, aFolder]) {
      const error = await SqliteRunStore.open({ path: file }).then(() => undefined, (e: unknown) => e);
      expect(error, file).toBeInstanceOf(StoreOpenError);
      expect(error, file).toMatchObject({ code: 'store_open_failed', path: file });
      expect((error as Error).message, file).toContain(file);
    }
    const check = new Database(other, { readonly: true });
    expect(check.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(check.prepare('SELECT name FROM sqlite_master').pluck().all()).toEqual(['contacts']);
    check.close();
  });
});

describe('store path helpers', () => {
  it('defaults to <cwd>/.zerr/runs.sqlite and honours ZERR_STORE and an explicit path', () => {
    expect(runStoreDefaultPath('/p')).toBe(path.join('/p', '.zerr', 'runs.sqlite'));
    expect(resolveStorePath({ cwd: '/p', env: {} })).toBe(path.join('/p', '.zerr', 'runs.sqlite'));
    expect(resolveStorePath({ cwd: '/p', env: { ZERR_STORE: '  ' } })).toBe(path.join('/p', '.zerr', 'runs.sqlite'));
    expect(resolveStorePath({ cwd: '/p', env: { ZERR_STORE: 'data/x.sqlite' } })).toBe(path.join('/p', 'data', 'x.sqlite'));
    expect(resolveStorePath({ cwd: '/p', env: { ZERR_STORE: '/abs/y.sqlite' } })).toBe('/abs/y.sqlite');
    expect(resolveStorePath({ cwd: '/p', env: { ZERR_STORE: '/abs/y.sqlite' }, path: 'z.sqlite' })).toBe(path.join('/p', 'z.sqlite'));
    expect(resolveStorePath({ cwd: '/p', env: { ZERR_STORE: ':memory:' } })).toBe(':memory:');
  });

  it('opens an in-memory database for :memory:', async () => {
    const store = await SqliteRunStore.open({ path: ':memory:' });
    await store.createRun(newRun());
    expect(await store.listRuns()).toHaveLength(1);
    await store.close();
  });
});
