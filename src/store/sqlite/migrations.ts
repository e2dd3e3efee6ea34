/**
 * @module store/sqlite/migrations
 * Forward-only schema migrations of the SQLite run store, and the code that recognises a Zero-Error database and
 * brings it up to date. kysely's `Migrator` applies them and records each applied one in `zerr_migration`
 * (files written before kysely recorded versions in `zerr_schema_version`; they are converted on open). The file is
 * tagged with `PRAGMA application_id` so that a database of another application is never touched. Never edit a
 * shipped migration: append a new one.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type Migration as KyselyMigration, type MigrationProvider } from 'kysely';

/** One schema step. `version` runs 1, 2, 3, ... without gaps. */
export interface Migration {
  readonly version: number;
  /** Part of the key kysely records ({@link migrationName}): never changed once shipped. */
  readonly name: string;
  /** DDL (one or more statements), run inside the migration transaction. */
  readonly sql: string;
  /**
   * Runs the migration with foreign key enforcement off, as SQLite's 12-step procedure for changing a table's
   * definition requires (https://www.sqlite.org/lang_altertable.html section 7): with it on, `DROP TABLE` of a parent
   * table deletes (cascades) every child row. When a pending migration needs it, {@link migrate} turns enforcement
   * off for the whole batch before its transaction (`PRAGMA foreign_keys` is a no-op inside one), runs
   * `PRAGMA foreign_key_check` after each migration of the batch (any violation rolls the batch back) and restores
   * the previous setting afterwards. Default false.
   */
  readonly foreignKeysOff?: boolean;
}

/** `PRAGMA application_id` of a Zero-Error run store: ASCII "zerr". */
export const APPLICATION_ID = 0x7a657272;

/** Table in which kysely's `Migrator` records applied migrations (columns `name`, `timestamp`). */
export const MIGRATION_TABLE = 'zerr_migration';

/** kysely's migration lock table (a no-op lock on SQLite; {@link migrate} holds the write lock itself). */
export const MIGRATION_LOCK_TABLE = 'zerr_migration_lock';

/**
 * Table in which the code before kysely's `Migrator` recorded applied versions (`version`, `name`, `applied_at` in
 * ms). {@link migrate} converts it to {@link MIGRATION_TABLE} rows and drops it.
 */
export const LEGACY_SCHEMA_TABLE = 'zerr_schema_version';

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
  {
    version: 2,
    name: 'build: paused runs, checkpoints, escalations',
    foreignKeysOff: true,
    // The runs table is rebuilt (create new, copy, drop old, rename new) because SQLite cannot alter a CHECK
    // constraint. rowid is copied so that listRuns keeps its tie order. Children keep referencing "runs".
    sql: `
      CREATE TABLE runs_v2 (
        id TEXT PRIMARY KEY NOT NULL,
        kind TEXT NOT NULL,
        model TEXT NOT NULL,
        config TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'cancelled', 'paused')),
        created_at INTEGER NOT NULL,
        finished_at INTEGER,
        summary TEXT
      );
      INSERT INTO runs_v2 (rowid, id, kind, model, config, status, created_at, finished_at, summary)
        SELECT rowid, id, kind, model, config, status, created_at, finished_at, summary FROM runs;
      DROP TABLE runs;
      ALTER TABLE runs_v2 RENAME TO runs;
      CREATE INDEX runs_by_created_at ON runs (created_at DESC);
      CREATE TABLE checkpoints (
        ${runKey},
        seq INTEGER NOT NULL CHECK (seq >= 1),
        kind TEXT NOT NULL,
        body TEXT,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (run_id, seq)
      );
      CREATE TABLE escalations (
        ${runKey},
        escalation_id TEXT NOT NULL,
        task_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('code', 'decomposition')),
        reason TEXT NOT NULL,
        question TEXT NOT NULL,
        context TEXT,
        status TEXT NOT NULL CHECK (status IN ('open', 'answered')),
        answer TEXT,
        answered_by TEXT,
        created_at INTEGER NOT NULL,
        answered_at INTEGER,
        PRIMARY KEY (run_id, escalation_id),
        CHECK ((status = 'open') = (answer IS NULL AND answered_by IS NULL AND answered_at IS NULL)),
        CHECK ((status = 'answered') = (answer IS NOT NULL AND answered_by IS NOT NULL AND answered_at IS NOT NULL))
      );
      CREATE INDEX escalations_by_status ON escalations (status, created_at);`,
  },
  {
    version: 3,
    name: 'service: run event logs',
    // The numbered event stream of a run (what SSE readers resume from by Last-Event-ID), kept across processes.
    sql: `
      CREATE TABLE run_events (
        ${runKey},
        id INTEGER NOT NULL CHECK (id >= 1),
        event TEXT NOT NULL,
        PRIMARY KEY (run_id, id)
      ) WITHOUT ROWID;`,
  },
  {
    version: 4,
    name: 'run owners: one process works on a run at a time',
    // The process that holds a run (solve, build, resume), with a heartbeat so a crashed owner's claim goes stale.
    sql: `
      CREATE TABLE run_owners (
        run_id TEXT PRIMARY KEY NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        owner TEXT NOT NULL,
        pid INTEGER NOT NULL,
        host TEXT NOT NULL,
        claimed_at INTEGER NOT NULL,
        heartbeat_at INTEGER NOT NULL
      );`,
  },
  {
    version: 5,
    name: 'model calls that gave no sample',
    // Failed, refused and empty model calls: attempts counted apart from the sample budget, with their causes.
    sql: `
      CREATE TABLE call_failures (
        ${runKey},
        task_id TEXT NOT NULL,
        sample_index INTEGER NOT NULL,
        code TEXT NOT NULL,
        status_code INTEGER,
        message TEXT NOT NULL,
        attempts INTEGER NOT NULL CHECK (attempts >= 1),
        created_at INTEGER NOT NULL
      );
      CREATE INDEX call_failures_by_task ON call_failures (run_id, task_id);`,
  },
];

/** The schema version this code writes: the last migration's. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Why a file is not usable as a run store; the caller wraps it in `StoreOpenError`. */
export class NotOurDatabaseError extends Error {}

/**
 * The key under which kysely records `migration`: its version, zero-padded so that kysely's alphabetical order is
 * the version order, then its name, e.g. `0002 build: paused runs, checkpoints, escalations`.
 */
export function migrationName(migration: Migration): string {
  return `${String(migration.version).padStart(4, '0')} ${migration.name}`;
}

/** The version at the start of a {@link migrationName}; NaN for a name this code did not write. */
function versionOf(name: string): number {
  const match = /^(\d+) /.exec(name);
  return match?.[1] === undefined ? Number.NaN : Number(match[1]);
}

function tableNames(db: BetterSqlite3.Database): string[] {
  return db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
}

/**
 * Checks, before anything is written, that `db` is empty or a Zero-Error run store no newer than this code.
 * @throws NotOurDatabaseError otherwise. SQLite's own errors (e.g. `SQLITE_NOTADB`) pass through.
 */
export function assertZeroErrorDatabase(db: BetterSqlite3.Database, migrations: readonly Migration[] = MIGRATIONS): void {
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  const tables = tableNames(db);
  if (applicationId !== APPLICATION_ID && (applicationId !== 0 || tables.length > 0)) {
    throw new NotOurDatabaseError(
      `not a Zero-Error database (application_id ${applicationId}, tables: ${tables.slice(0, 5).join(', ') || 'none'})`,
    );
  }
  if (applicationId === APPLICATION_ID && !tables.includes(MIGRATION_TABLE) && !tables.includes(LEGACY_SCHEMA_TABLE)) {
    throw new NotOurDatabaseError(`Zero-Error database without its ${MIGRATION_TABLE} table`);
  }
  const version = currentVersion(db);
  if (Number.isNaN(version)) {
    throw new NotOurDatabaseError(`${MIGRATION_TABLE} names a migration this Zero-Error did not write; upgrade zerr`);
  }
  if (version > migrations.length) {
    throw new NotOurDatabaseError(
      `schema version ${version} is newer than this Zero-Error understands (${migrations.length}); upgrade zerr`,
    );
  }
}

/**
 * Highest applied schema version: 0 for a fresh file, NaN when {@link MIGRATION_TABLE} holds a name this code did
 * not write. Reads {@link MIGRATION_TABLE}, or {@link LEGACY_SCHEMA_TABLE} in a file not yet converted.
 */
export function currentVersion(db: BetterSqlite3.Database): number {
  const tables = tableNames(db);
  if (tables.includes(MIGRATION_TABLE)) {
    const names = db.prepare(`SELECT name FROM ${MIGRATION_TABLE}`).pluck().all() as string[];
    return names.reduce((max, name) => Math.max(max, versionOf(name)), 0);
  }
  if (tables.includes(LEGACY_SCHEMA_TABLE)) {
    return (db.prepare(`SELECT coalesce(max(version), 0) FROM ${LEGACY_SCHEMA_TABLE}`).pluck().get() as number) ?? 0;
  }
  return 0;
}

/**
 * Serves `migrations` to kysely's `Migrator`, keyed by {@link migrationName}. Each `up` runs the migration's SQL on
 * `db` (better-sqlite3's `exec`, as a migration holds several statements and kysely runs one per query) on the same
 * connection, inside the transaction {@link migrate} holds; with `checkForeignKeys` it then runs
 * `PRAGMA foreign_key_check` and throws on any violation.
 */
export function migrationProvider(
  db: BetterSqlite3.Database,
  migrations: readonly Migration[],
  options: { readonly checkForeignKeys: boolean },
): MigrationProvider {
  const entries = migrations.map((migration): [string, KyselyMigration] => [
    migrationName(migration),
    {
      up: () => {
        db.exec(migration.sql);
        if (migration.foreignKeysOff === true || options.checkForeignKeys) assertNoForeignKeyViolations(db, migration);
        return Promise.resolve();
      },
    },
  ]);
  return { getMigrations: () => Promise.resolve(Object.fromEntries(entries)) };
}

/**
 * Applies every pending migration through kysely's `Migrator`, all in one `BEGIN IMMEDIATE` transaction that this
 * function holds (kysely 0.28 runs SQLite migrations without one, and its `begin` is deferred): concurrent openers
 * take turns, and the batch is all-or-nothing. A file written before kysely (with {@link LEGACY_SCHEMA_TABLE}) is
 * converted in the same transaction: its applied versions become {@link MIGRATION_TABLE} rows (timestamps from
 * `applied_at`), so they are not run again, and the old table is dropped. The first migration of a fresh file
 * stamps `PRAGMA application_id`. Opening an up-to-date file writes nothing.
 *
 * When a pending migration is marked {@link Migration.foreignKeysOff}, the whole batch runs with foreign keys off
 * on this connection, each migration of it must leave no foreign key violation, and the connection's previous
 * `foreign_keys` setting is restored whatever happens.
 * @returns the schema versions before and after.
 * @throws Error when a migration fails (the batch is rolled back: the file keeps its version). SQLite errors pass
 * through.
 */
export async function migrate(
  db: BetterSqlite3.Database,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<{ readonly from: number; readonly to: number }> {
  const from = currentVersion(db);
  const pending = migrations.filter((migration) => migration.version > from);
  const legacy = tableNames(db).includes(LEGACY_SCHEMA_TABLE);
  if (pending.length === 0 && !legacy) return { from, to: from };
  const foreignKeysOff = pending.some((migration) => migration.foreignKeysOff === true);
  const migrator = new Migrator({
    // Not destroyed after use: destroy() would close `db`, which belongs to the caller; it holds nothing else.
    db: new Kysely<object>({ dialect: new SqliteDialect({ database: db }) }),
    provider: migrationProvider(db, migrations, { checkForeignKeys: foreignKeysOff }),
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
    disableTransactions: true, // the transaction is ours (BEGIN IMMEDIATE), around the whole run
    // kysely orders the recorded migrations by their wall-clock timestamp: after a clock step backwards between two
    // upgrades its order check would call the store corrupt and refuse it. Pending migrations still run in name
    // order, all in one transaction, and a recorded name the code lacks is still refused (a newer store).
    allowUnorderedMigrations: true,
  });
  const apply = async (): Promise<void> => {
    await beginImmediate(db);
    try {
      if ((db.pragma('application_id', { simple: true }) as number) !== APPLICATION_ID) {
        db.pragma(`application_id = ${APPLICATION_ID}`);
      }
      convertLegacyTable(db, migrations);
      const { error } = await migrator.migrateToLatest();
      if (error !== undefined) throw error instanceof Error ? error : new Error(String(error));
      db.exec('COMMIT');
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw error;
    }
  };
  if (foreignKeysOff) await withForeignKeysOff(db, apply);
  else await apply();
  return { from, to: currentVersion(db) };
}

/**
 * Moves the versions recorded by the code before kysely into {@link MIGRATION_TABLE} (created with the columns
 * kysely's `Migrator` creates it with) and drops {@link LEGACY_SCHEMA_TABLE}. Timestamps are made non-decreasing
 * in version order, as kysely orders executed migrations by timestamp. Runs inside {@link migrate}'s transaction.
 */
function convertLegacyTable(db: BetterSqlite3.Database, migrations: readonly Migration[]): void {
  if (!tableNames(db).includes(LEGACY_SCHEMA_TABLE)) return;
  db.exec(`CREATE TABLE IF NOT EXISTS ${MIGRATION_TABLE} (name varchar(255) NOT NULL PRIMARY KEY, timestamp varchar(255) NOT NULL)`);
  const rows = db.prepare(`SELECT version, applied_at AS appliedAt FROM ${LEGACY_SCHEMA_TABLE} ORDER BY version`).all() as {
    version: number;
    appliedAt: number;
  }[];
  const insert = db.prepare(`INSERT OR IGNORE INTO ${MIGRATION_TABLE} (name, timestamp) VALUES (?, ?)`);
  let last = 0;
  for (const row of rows) {
    const migration = migrations.find((m) => m.version === row.version);
    if (migration === undefined) throw new Error(`${LEGACY_SCHEMA_TABLE} records version ${row.version}, which this Zero-Error does not know`);
    last = Math.max(last, row.appliedAt);
    insert.run(migrationName(migration), new Date(last).toISOString());
  }
  db.exec(`DROP TABLE ${LEGACY_SCHEMA_TABLE}`);
}

/**
 * `BEGIN IMMEDIATE` (takes the write lock), waiting up to the connection's `busy_timeout` for another connection's
 * write lock by retrying on a timer rather than in SQLite's busy handler: the handler would block the event loop, and
 * with it a second connection of this process whose migration is waiting between two awaits, holding the lock.
 * @throws the `SQLITE_BUSY` error once the time is up.
 */
async function beginImmediate(db: BetterSqlite3.Database): Promise<void> {
  const busyTimeoutMs = db.pragma('busy_timeout', { simple: true }) as number;
  const deadline = Date.now() + busyTimeoutMs;
  db.pragma('busy_timeout = 0');
  try {
    for (let delayMs = 1; ; delayMs = Math.min(delayMs * 2, 50)) {
      try {
        db.exec('BEGIN IMMEDIATE');
        return;
      } catch (error) {
        if ((error as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  } finally {
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  }
}

/** Runs `work` with `PRAGMA foreign_keys = OFF` (outside any transaction), then restores the previous setting. */
async function withForeignKeysOff(db: BetterSqlite3.Database, work: () => Promise<void>): Promise<void> {
  const previous = db.pragma('foreign_keys', { simple: true }) as number;
  db.pragma('foreign_keys = OFF');
  try {
    await work();
  } finally {
    db.pragma(`foreign_keys = ${previous === 1 ? 'ON' : 'OFF'}`);
  }
}

/** Step 10 of SQLite's 12-step procedure: the rebuilt schema must not break any foreign key. */
function assertNoForeignKeyViolations(db: BetterSqlite3.Database, migration: Migration): void {
  const violations = db.pragma('foreign_key_check') as { table: string; rowid: number | null; parent: string }[];
  const [first] = violations;
  if (first === undefined) return;
  throw new Error(
    `migration ${migration.version} (${migration.name}) would leave ${violations.length} foreign key violation(s), ` +
      `first: a row of ${first.table} (rowid ${String(first.rowid)}) without its ${first.parent} row; nothing was changed`,
  );
}
