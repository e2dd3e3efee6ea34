/**
 * @module test/conformance/run-store-sqlite-schema.test
 * The SQLite store's file handling: schema versioning and forward-only migrations through kysely's Migrator
 * (including migration 2, which rebuilds the runs table with foreign keys off), converting files written before
 * kysely (`zerr_schema_version`), the pragmas it sets, refusing files that are not a Zero-Error database
 * (StoreOpenError), and the default path helpers.
 */
import { mkdirSync } from 'node:fs';
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
import {
  currentVersion,
  LEGACY_SCHEMA_TABLE,
  migrate,
  MIGRATION_LOCK_TABLE,
  MIGRATION_TABLE,
  migrationName,
  MIGRATIONS,
} from '../../src/store/sqlite/migrations.js';
import { openDatabase } from '../../src/store/sqlite/open-database.js';
import { decisionToRow, sampleToRow } from '../../src/store/sqlite/row-mapping.js';
import { callFailure, decision, layerResult, newRun, redFlag, sample, task, vote } from './run-store-fixtures.js';

let folder = '';
let n = 0;
const fresh = (): string => path.join(folder, `db-${(n += 1)}`, 'runs.sqlite');
beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'zerr-run-store-schema-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** The applied versions, as kysely's Migrator recorded them, with the file's pragmas and tables. */
function inspect(file: string): { versions: { version: number; name: string; timestamp: string }[]; pragmas: Record<string, unknown>; tables: string[] } {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare(`SELECT name, timestamp FROM ${MIGRATION_TABLE} ORDER BY name`).all() as { name: string; timestamp: string }[];
    return {
      versions: rows.map((row) => ({ version: Number(row.name.slice(0, 4)), ...row })),
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
    expect(first.versions.map((v) => v.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(first.versions.map((v) => v.name)).toEqual(MIGRATIONS.map(migrationName));
    expect(first.pragmas).toEqual({ journal_mode: 'wal', application_id: 0x7a657272 });
    expect(first.tables).toEqual(
      ['call_failures', 'checkpoints', 'decisions', 'escalations', 'layer_results', 'red_flags', 'run_events', 'run_owners', 'runs', 'samples', 'tasks', 'votes', MIGRATION_TABLE, MIGRATION_LOCK_TABLE].sort(),
    );

    const again = await SqliteRunStore.open({ path: file });
    expect((await again.getRun('run-1'))?.id).toBe('run-1');
    await again.close();
    expect(inspect(file)).toEqual(first);
  });

  it('sets foreign keys, synchronous and busy_timeout on the connection', async () => {
    const db = await openDatabase({ path: fresh(), busyTimeoutMs: 1234 });
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
    (await openDatabase({ path: file, migrations: v2 })).close();
    const after = inspect(file);
    expect(after.versions.map((v) => v.version)).toEqual(v2.map((m) => m.version));
    expect(after.versions[0]).toEqual(before.versions[0]); // version 1 was not re-applied
    const raw = new Database(file, { readonly: true });
    expect(raw.prepare('SELECT id, note FROM runs').all()).toEqual([{ id: 'run-1', note: null }]);
    raw.close();
    // Older code must refuse a newer schema rather than write into it.
    const error = await SqliteRunStore.open({ path: file }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(StoreOpenError);
    expect((error as StoreOpenError).message).toContain('newer');
  });

  it('a clock stepped backwards between two upgrades does not make the store look corrupt', async () => {
    const file = fresh();
    const store = await SqliteRunStore.open({ path: file });
    await store.createRun(newRun());
    await store.close();
    // The last recorded migration carries a timestamp before all the others (the clock went back when it ran).
    const raw = new Database(file);
    raw.prepare(`UPDATE ${MIGRATION_TABLE} SET timestamp = ? WHERE name = ?`).run('2001-01-01T00:00:00.000Z', migrationName(MIGRATIONS[MIGRATIONS.length - 1]!));
    raw.close();
    const v2 = [...MIGRATIONS, { version: MIGRATIONS.length + 1, name: 'test: add a column', sql: 'ALTER TABLE runs ADD COLUMN note TEXT' }];
    (await openDatabase({ path: file, migrations: v2 })).close();
    const check = new Database(file, { readonly: true });
    expect(check.prepare('SELECT id, note FROM runs').all()).toEqual([{ id: 'run-1', note: null }]);
    expect(check.prepare(`SELECT count(*) AS n FROM ${MIGRATION_TABLE}`).get()).toEqual({ n: v2.length });
    check.close();
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

const V1 = MIGRATIONS.slice(0, 1);
const CHILD_TABLES = ['tasks', 'samples', 'red_flags', 'layer_results', 'votes', 'decisions'] as const;

/** A schema-version-1 file (written by the store of that version) holding two runs with records of every kind. */
async function versionOneFile(): Promise<string> {
  const file = fresh();
  const store = await SqliteRunStore.open({ path: file, migrations: V1 });
  await store.createRun(newRun({ id: 'run-1' }));
  await store.createRun(newRun({ id: 'run-2' })); // same createdAt: listRuns orders the tie by rowid
  for (const runId of ['run-1', 'run-2']) {
    for (const taskId of ['t1', 't2']) {
      await store.recordTask(runId, task(taskId));
      for (let i = 0; i < 3; i += 1) {
        await store.recordSample(runId, sample(taskId, i));
        await store.recordRedFlag(runId, redFlag(taskId, i, 'hedging'));
        await store.recordRedFlag(runId, redFlag(taskId, i, 'over-token-cap'));
        await store.recordLayerResult(runId, layerResult(taskId, i, 'syntax', { status: 'pass', details: undefined }));
        await store.recordLayerResult(runId, layerResult(taskId, i, 'tests'));
        await store.recordVote(runId, vote(taskId, i));
      }
      await store.recordDecision(runId, decision(taskId));
    }
  }
  await store.finishRun('run-2', { status: 'failed', finishedAt: 1_760_000_010_000, summary: { error: 'boom' } });
  await store.close();
  return file;
}

/** Every row of the runs table and of its children, with rowids. */
function dump(file: string): Record<string, unknown[]> {
  const db = new Database(file, { readonly: true });
  try {
    return Object.fromEntries(['runs', ...CHILD_TABLES].map((table) => [table, db.prepare(`SELECT rowid AS _rowid, * FROM ${table} ORDER BY rowid`).all()]));
  } finally {
    db.close();
  }
}

function tableSql(db: Database.Database, name: string): string {
  return db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').pluck().get(name) as string;
}

describe('migration 2: paused runs, checkpoints, escalations', () => {
  it('rebuilds runs without losing a child row, allows paused, and leaves foreign keys on and intact', async () => {
    const file = await versionOneFile();
    expect(inspect(file).versions.map((v) => v.version)).toEqual([1]);
    const before = dump(file);
    expect(before['runs']).toHaveLength(2);
    for (const table of CHILD_TABLES) expect(before[table]?.length, table).toBeGreaterThan(0);

    const db = await openDatabase({ path: file });
    try {
      expect(currentVersion(db)).toBe(MIGRATIONS.length);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('foreign_key_check')).toEqual([]);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(tableSql(db, 'runs')).toContain("'paused'");
      expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'runs' AND sql IS NOT NULL").pluck().all())
        .toEqual(['runs_by_created_at']);
      expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE sql LIKE '%runs_v2%'").pluck().get()).toBe(0);
      for (const table of CHILD_TABLES) expect(tableSql(db, table), table).toContain('REFERENCES runs (id) ON DELETE CASCADE');
    } finally {
      db.close();
    }
    expect(dump(file)).toEqual(before);

    const store = await SqliteRunStore.open({ path: file });
    try {
      expect((await store.listRuns()).map((r) => [r.id, r.status, r.tasks, r.samples])).toEqual([['run-2', 'failed', 2, 6], ['run-1', 'running', 2, 6]]);
      await store.finishRun('run-1', { status: 'paused', finishedAt: 1_760_000_020_000, summary: { reason: 'budget' } });
      const run = await store.getRun('run-1');
      expect(run).toMatchObject({ status: 'paused', finishedAt: 1_760_000_020_000, checkpoints: [], escalations: [] });
      expect(run?.samples).toHaveLength(6);
      expect(run?.redFlags).toHaveLength(12);
      expect(run?.layerResults).toHaveLength(12);
      expect(run?.decisions).toHaveLength(2);
      expect(await store.recordCheckpoint('run-1', { kind: 'resume', body: {}, createdAt: 1 })).toBe(1);
      // The children still point at the rebuilt table: a write to an unknown run is refused.
      await expect(store.recordSample('nope', sample('t1', 0))).rejects.toMatchObject({ code: 'run_not_found' });
    } finally {
      await store.close();
    }
    expect(inspect(file).versions.map((v) => v.version)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('rolls back when the rebuilt schema would break a foreign key, and restores the foreign_keys setting', async () => {
    const file = await versionOneFile();
    const raw = new Database(file);
    raw.pragma('foreign_keys = OFF');
    raw.prepare('INSERT INTO tasks (run_id, task_id, spec) VALUES (?, ?, ?)').run('ghost', 't1', null);
    raw.close();
    const before = dump(file);

    const db = new Database(file);
    try {
      db.pragma('foreign_keys = ON');
      await expect(migrate(db)).rejects.toThrow(/migration 2 .* 1 foreign key violation.*tasks/);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(currentVersion(db)).toBe(1);
      expect(tableSql(db, 'runs')).not.toContain("'paused'");
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name IN ('checkpoints', 'escalations', 'runs_v2')").all()).toEqual([]);
      db.pragma('foreign_keys = OFF');
      await expect(migrate(db)).rejects.toThrow(/foreign key violation/);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(0);
    } finally {
      db.close();
    }
    expect(dump(file)).toEqual(before);
    const error = await SqliteRunStore.open({ path: file }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(StoreOpenError);
    expect((error as StoreOpenError).message).toContain('foreign key violation');
  });
});

/** `applied_at` of version `v` in a file written before kysely's Migrator. */
const appliedAt = (v: number): number => 1_700_000_000_000 + v * 60_000;

function insertRow(db: Database.Database, table: string, row: object): void {
  const columns = Object.keys(row);
  db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`).run(...Object.values(row));
}

/**
 * A file as the code before kysely's Migrator left it at schema version `version` (its migrate(), step by step:
 * application_id, `zerr_schema_version` rows, each migration in a BEGIN IMMEDIATE transaction, foreign keys off
 * around migration 2), holding run-1 with a task, two samples, a vote and a decision.
 */
function legacyFile(version: number, migrations = MIGRATIONS): string {
  const file = fresh();
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    for (const migration of migrations.slice(0, version)) {
      if (migration.foreignKeysOff === true) db.pragma('foreign_keys = OFF');
      db.transaction(() => {
        if (migration.version === 1) {
          db.pragma(`application_id = ${0x7a657272}`);
          db.exec(`CREATE TABLE ${LEGACY_SCHEMA_TABLE} (version INTEGER PRIMARY KEY NOT NULL, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
        }
        db.exec(migration.sql);
        db.prepare(`INSERT INTO ${LEGACY_SCHEMA_TABLE} (version, name, applied_at) VALUES (?, ?, ?)`).run(migration.version, migration.name, appliedAt(migration.version));
      }).immediate();
      db.pragma('foreign_keys = ON');
    }
    const run = newRun();
    insertRow(db, 'runs', { id: run.id, kind: run.kind, model: run.model, config: JSON.stringify(run.config), status: 'running', created_at: run.createdAt });
    insertRow(db, 'tasks', { run_id: run.id, task_id: 't1', spec: JSON.stringify(task('t1').spec) });
    for (const i of [0, 1]) insertRow(db, 'samples', sampleToRow(run.id, sample('t1', i)));
    const v = vote('t1', 0);
    insertRow(db, 'votes', { run_id: run.id, task_id: 't1', sample_index: 0, class_key: v.classKey, signature: v.signature });
    insertRow(db, 'decisions', decisionToRow(run.id, decision('t1')));
  } finally {
    db.close();
  }
  return file;
}

describe("files written before kysely's Migrator (zerr_schema_version)", () => {
  it.each([1, 3, MIGRATIONS.length])('converts a version-%i file: data kept, applied migrations not re-run, later ones applied', async (version) => {
    const file = legacyFile(version);
    const before = dump(file);
    expect(before['samples']).toHaveLength(2);

    const store = await SqliteRunStore.open({ path: file });
    try {
      const run = await store.getRun('run-1');
      expect(run).toMatchObject({ id: 'run-1', status: 'running', config: newRun().config });
      expect(run?.samples).toEqual([sample('t1', 0), sample('t1', 1)]);
      expect(run?.decisions).toEqual([decision('t1')]);
      // Tables of the later migrations are there and work: 2 (paused, checkpoints), 5 (call failures).
      await store.finishRun('run-1', { status: 'paused', finishedAt: 1_760_000_020_000, summary: {} });
      expect(await store.recordCheckpoint('run-1', { kind: 'resume', body: {}, createdAt: 1 })).toBe(1);
      await store.recordCallFailure('run-1', callFailure('t1', 2));
      expect((await store.getRun('run-1'))?.callFailures).toEqual([callFailure('t1', 2)]);
    } finally {
      await store.close();
    }

    const after = inspect(file);
    expect(after.tables).not.toContain(LEGACY_SCHEMA_TABLE);
    expect(after.tables).toEqual(expect.arrayContaining([MIGRATION_TABLE, MIGRATION_LOCK_TABLE]));
    expect(after.pragmas).toEqual({ journal_mode: 'wal', application_id: 0x7a657272 });
    expect(after.versions.map((v) => v.name)).toEqual(MIGRATIONS.map(migrationName));
    // The versions applied before keep their applied_at; the others were applied now, by kysely.
    expect(after.versions.slice(0, version).map((v) => v.timestamp)).toEqual(
      MIGRATIONS.slice(0, version).map((m) => new Date(appliedAt(m.version)).toISOString()),
    );
    for (const v of after.versions.slice(version)) expect(Date.parse(v.timestamp)).toBeGreaterThan(appliedAt(MIGRATIONS.length));
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma('foreign_key_check')).toEqual([]);
      expect(raw.prepare('SELECT rowid AS _rowid, * FROM samples ORDER BY rowid').all()).toEqual(before['samples']);
    } finally {
      raw.close();
    }

    // Opening the converted file again writes nothing.
    await (await SqliteRunStore.open({ path: file })).close();
    expect(inspect(file)).toEqual(after);
  });

  it('refuses a file whose zerr_schema_version is newer than this code, and leaves it untouched', async () => {
    const newer = [...MIGRATIONS, { version: MIGRATIONS.length + 1, name: 'from the future', sql: 'CREATE TABLE later (x INTEGER)' }];
    const file = legacyFile(newer.length, newer);
    const error = await SqliteRunStore.open({ path: file }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(StoreOpenError);
    expect((error as StoreOpenError).message).toMatch(/schema version 6 is newer than this Zero-Error understands \(5\); upgrade zerr/);
    const raw = new Database(file, { readonly: true });
    try {
      const tables = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
      expect(tables).toContain(LEGACY_SCHEMA_TABLE);
      expect(tables).not.toContain(MIGRATION_TABLE);
    } finally {
      raw.close();
    }
  });

  it('a file being converted or created by several connections of one process at once is migrated once', async () => {
    for (const file of [legacyFile(1), fresh()]) {
      const stores = await Promise.all([1, 2, 3].map(() => SqliteRunStore.open({ path: file, busyTimeoutMs: 5000 })));
      await Promise.all(stores.map((store) => store.close()));
      expect(inspect(file).versions.map((v) => v.name)).toEqual(MIGRATIONS.map(migrationName));
    }
  });
});

describe('store path helpers', () => {
  it('defaults to runs.sqlite in the state folder (the project\'s .zerr/, else the user\'s data folder) and honours ZERR_STORE and an explicit path', () => {
    const xdg = { XDG_DATA_HOME: '/data' };
    // `/p` belongs to no project (no zerr.config.yaml or .git at or above it): the user's data folder.
    expect(runStoreDefaultPath('/p', xdg)).toBe(path.join('/data', 'zerr', 'runs.sqlite'));
    expect(resolveStorePath({ cwd: '/p', env: xdg })).toBe(path.join('/data', 'zerr', 'runs.sqlite'));
    expect(resolveStorePath({ cwd: '/p', env: { ...xdg, ZERR_STORE: '  ' } })).toBe(path.join('/data', 'zerr', 'runs.sqlite'));
    // This repository is a project: from any folder inside it, its own .zerr/.
    const repository = path.resolve(import.meta.dirname, '../..');
    expect(resolveStorePath({ cwd: path.join(repository, 'src', 'vote'), env: xdg })).toBe(path.join(repository, '.zerr', 'runs.sqlite'));
    expect(resolveStorePath({ cwd: '/p', env: { ZERR_STORE: 'data/x.sqlite' } })).toBe(path.join('/p', 'data', 'x.sqlite'));
    expect(resolveStorePath({ cwd: '/p', env: { ZERR_STORE: '/abs/y.sqlite' } })).toBe('/abs/y.sqlite');
    expect(resolveStorePath({ cwd: '/p', env: { ZERR_STORE: '/abs/y.sqlite' }, path: 'z.sqlite' })).toBe(path.join('/p', 'z.sqlite'));
    expect(resolveStorePath({ cwd: '/p', env: { ZERR_STORE: ':memory:' } })).toBe(':memory:');
    // The configuration file's store comes after the flag and ZERR_STORE, before the built-in default.
    expect(resolveStorePath({ cwd: '/p', env: {}, configured: '/conf/runs.sqlite' })).toBe('/conf/runs.sqlite');
    expect(resolveStorePath({ cwd: '/p', env: { ZERR_STORE: '/abs/y.sqlite' }, configured: '/conf/runs.sqlite' })).toBe('/abs/y.sqlite');
    expect(resolveStorePath({ cwd: '/p', env: {}, path: 'z.sqlite', configured: '/conf/runs.sqlite' })).toBe(path.join('/p', 'z.sqlite'));
  });

  it('opens an in-memory database for :memory:', async () => {
    const store = await SqliteRunStore.open({ path: ':memory:' });
    await store.createRun(newRun());
    expect(await store.listRuns()).toHaveLength(1);
    await store.close();
  });
});
