/**
 * @module store/sqlite/migrations
 * Forward-only schema migrations of the SQLite run store, and the code that recognises a Zero-Error database and
 * brings it up to date. Applied versions are recorded in `zerr_schema_version`; the file is tagged with
 * `PRAGMA application_id` so that a database of another application is never touched. Never edit a shipped
 * migration: append a new one.
 */
import type BetterSqlite3 from 'better-sqlite3';

/** One schema step. `version` runs 1, 2, 3, ... without gaps. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /** DDL, run inside the migration's transaction. */
  readonly sql: string;
}

/** `PRAGMA application_id` of a Zero-Error run store: ASCII "zerr". */
export const APPLICATION_ID = 0x7a657272;

/** Name of the table that records applied migrations. */
export const SCHEMA_TABLE = 'zerr_schema_version';

const runKey = 'run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE';

/** Every migration, in order. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE runs (
        id TEXT PRIMARY KEY NOT NULL,
        kind TEXT NOT NULL,
        model TEXT NOT NULL,
        config TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'cancelled')),
        created_at INTEGER NOT NULL,
        finished_at INTEGER,
        summary TEXT
      );
      CREATE INDEX runs_by_created_at ON runs (created_at DESC);
      CREATE TABLE tasks (
        ${runKey},
        task_id TEXT NOT NULL,
        spec TEXT,
        PRIMARY KEY (run_id, task_id)
      );
      CREATE TABLE samples (
        ${runKey},
        task_id TEXT NOT NULL,
        sample_index INTEGER NOT NULL,
        model TEXT NOT NULL,
        temperature REAL,
        prompt_variant TEXT NOT NULL,
        text TEXT NOT NULL,
        code TEXT,
        input_tokens INTEGER NOT NULL,
        output_tokens INTEGER NOT NULL,
        latency_ms REAL NOT NULL,
        finish_reason TEXT NOT NULL,
        cost_usd REAL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (run_id, task_id, sample_index)
      );
      CREATE TABLE red_flags (
        ${runKey},
        task_id TEXT NOT NULL,
        sample_index INTEGER NOT NULL,
        rule TEXT NOT NULL,
        reason TEXT NOT NULL,
        UNIQUE (run_id, task_id, sample_index, rule)
      );
      CREATE INDEX red_flags_by_rule ON red_flags (run_id, rule);
      CREATE TABLE layer_results (
        ${runKey},
        task_id TEXT NOT NULL,
        sample_index INTEGER NOT NULL,
        layer TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pass', 'fail', 'skipped')),
        reason TEXT NOT NULL,
        duration_ms REAL NOT NULL,
        details TEXT,
        UNIQUE (run_id, task_id, sample_index, layer)
      );
      CREATE TABLE votes (
        ${runKey},
        task_id TEXT NOT NULL,
        sample_index INTEGER NOT NULL,
        class_key TEXT NOT NULL,
        signature TEXT NOT NULL,
        PRIMARY KEY (run_id, task_id, sample_index)
      );
      CREATE INDEX votes_by_class ON votes (run_id, task_id, class_key);
      CREATE TABLE decisions (
        ${runKey},
        task_id TEXT NOT NULL,
        outcome TEXT NOT NULL,
        class_key TEXT,
        code TEXT,
        votes INTEGER NOT NULL,
        runner_up_votes INTEGER NOT NULL,
        samples INTEGER NOT NULL,
        k INTEGER NOT NULL,
        reason TEXT NOT NULL,
        decided_at INTEGER NOT NULL,
        PRIMARY KEY (run_id, task_id)
      );`,
  },
];

/** The schema version this code writes: the last migration's. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Why a file is not usable as a run store; the caller wraps it in `StoreOpenError`. */
export class NotOurDatabaseError extends Error {}

/**
 * Checks, before anything is written, that `db` is empty or a Zero-Error run store no newer than this code.
 * @throws NotOurDatabaseError otherwise. SQLite's own errors (e.g. `SQLITE_NOTADB`) pass through.
 */
export function assertZeroErrorDatabase(db: BetterSqlite3.Database, migrations: readonly Migration[] = MIGRATIONS): void {
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
  if (applicationId !== APPLICATION_ID && (applicationId !== 0 || tables.length > 0)) {
    throw new NotOurDatabaseError(
      `not a Zero-Error database (application_id ${applicationId}, tables: ${tables.slice(0, 5).join(', ') || 'none'})`,
    );
  }
  if (applicationId === APPLICATION_ID && !tables.includes(SCHEMA_TABLE)) {
    throw new NotOurDatabaseError(`Zero-Error database without its ${SCHEMA_TABLE} table`);
  }
  const version = tables.includes(SCHEMA_TABLE) ? currentVersion(db) : 0;
  if (version > migrations.length) {
    throw new NotOurDatabaseError(
      `schema version ${version} is newer than this Zero-Error understands (${migrations.length}); upgrade zerr`,
    );
  }
}

/** Highest applied schema version (0 for a fresh file). */
export function currentVersion(db: BetterSqlite3.Database): number {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(SCHEMA_TABLE);
  if (exists === undefined) return 0;
  return (db.prepare(`SELECT coalesce(max(version), 0) FROM ${SCHEMA_TABLE}`).pluck().get() as number) ?? 0;
}

/**
 * Applies every pending migration, each in its own `BEGIN IMMEDIATE` transaction (so concurrent openers take turns
 * and each step is all-or-nothing). Opening an up-to-date file writes nothing. Returns the versions before and after.
 */
export function migrate(
  db: BetterSqlite3.Database,
  migrations: readonly Migration[] = MIGRATIONS,
  now: () => number = Date.now,
): { readonly from: number; readonly to: number } {
  const from = currentVersion(db);
  for (const migration of migrations) {
    if (migration.version <= from) continue;
    db.transaction(() => {
      if (currentVersion(db) >= migration.version) return; // another process got here first
      if (migration.version === 1) {
        db.pragma(`application_id = ${APPLICATION_ID}`);
        db.exec(`CREATE TABLE ${SCHEMA_TABLE} (version INTEGER PRIMARY KEY NOT NULL, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
      }
      db.exec(migration.sql);
      db.prepare(`INSERT INTO ${SCHEMA_TABLE} (version, name, applied_at) VALUES (?, ?, ?)`).run(migration.version, migration.name, now());
    }).immediate();
  }
  return { from, to: currentVersion(db) };
}
