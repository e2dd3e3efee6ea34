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
  /**
   * Runs the migration with foreign key enforcement off, as SQLite's 12-step procedure for changing a table's
   * definition requires (https://www.sqlite.org/lang_altertable.html section 7): with it on, `DROP TABLE` of a parent
   * table deletes (cascades) every child row. {@link migrate} turns enforcement off before the transaction
   * (`PRAGMA foreign_keys` is a no-op inside one), runs `PRAGMA foreign_key_check` before committing (any violation
   * rolls the migration back) and restores the previous setting afterwards. Default false.
   */
  readonly foreignKeysOff?: boolean;
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
 * A migration marked {@link Migration.foreignKeysOff} runs with foreign keys off on this connection and must leave
 * no foreign key violation; the connection's previous `foreign_keys` setting is restored whatever happens.
 * @throws Error when a migration fails (it is rolled back; earlier migrations stay applied). SQLite errors pass through.
 */
export function migrate(
  db: BetterSqlite3.Database,
  migrations: readonly Migration[] = MIGRATIONS,
  now: () => number = Date.now,
): { readonly from: number; readonly to: number } {
  const from = currentVersion(db);
  for (const migration of migrations) {
    if (migration.version <= from) continue;
    const apply = (): void => {
      db.transaction(() => {
        if (currentVersion(db) >= migration.version) return; // another process got here first
        if (migration.version === 1) {
          db.pragma(`application_id = ${APPLICATION_ID}`);
          db.exec(`CREATE TABLE ${SCHEMA_TABLE} (version INTEGER PRIMARY KEY NOT NULL, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
        }
        db.exec(migration.sql);
        if (migration.foreignKeysOff === true) assertNoForeignKeyViolations(db, migration);
        db.prepare(`INSERT INTO ${SCHEMA_TABLE} (version, name, applied_at) VALUES (?, ?, ?)`).run(migration.version, migration.name, now());
      }).immediate();
    };
    if (migration.foreignKeysOff === true) withForeignKeysOff(db, apply);
    else apply();
  }
  return { from, to: currentVersion(db) };
}

/** Runs `work` with `PRAGMA foreign_keys = OFF` (outside any transaction), then restores the previous setting. */
function withForeignKeysOff(db: BetterSqlite3.Database, work: () => void): void {
  const previous = db.pragma('foreign_keys', { simple: true }) as number;
  db.pragma('foreign_keys = OFF');
  try {
    work();
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
