/**
 * @module store/sqlite/open-database
 * Opens (or creates) the SQLite file of a run store: creates parent folders, recognises the file as a Zero-Error
 * database before writing anything, then sets the pragmas (WAL, foreign keys, busy timeout, synchronous) and
 * applies pending migrations (kysely's `Migrator`, hence async).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import { StoreOpenError } from '../errors/store-open-error.js';
import { assertZeroErrorDatabase, migrate, MIGRATIONS, type Migration } from './migrations.js';

/** Options of {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /** File path, or `:memory:`. */
  readonly path: string;
  /** How long a write waits for another process's lock, in ms. Default 5000. */
  readonly busyTimeoutMs?: number;
  /**
   * `full` (default) fsyncs the WAL on every commit, so a recorded write survives a power loss as well as a killed
   * process; `normal` survives a killed process only, and is faster.
   */
  readonly synchronous?: 'full' | 'normal';
  /** Migrations to apply; default the shipped {@link MIGRATIONS} (tests pass their own). */
  readonly migrations?: readonly Migration[];
}

/**
 * Opens the database and brings its schema up to date; resolves to the open better-sqlite3 handle, which the
 * caller closes.
 * @throws StoreOpenError (`store_open_failed`) when the file cannot be opened or created, is not a SQLite
 * database, belongs to another application, or has a newer schema. The message names the path.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<BetterSqlite3.Database> {
  const file = options.path;
  let db: BetterSqlite3.Database | undefined;
  try {
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    db = new Database(file);
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
    assertZeroErrorDatabase(db, options.migrations ?? MIGRATIONS);
    if (file !== ':memory:') {
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') throw new Error(`could not switch to WAL journal mode (got ${String(mode)})`);
    }
    db.pragma('foreign_keys = ON');
    db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    await migrate(db, options.migrations ?? MIGRATIONS);
    return db;
  } catch (error) {
    try {
      db?.close();
    } catch {
      // already failing; the original error is the one to report
    }
    throw new StoreOpenError({ path: file, reason: error instanceof Error ? error.message : String(error), cause: error });
  }
}
