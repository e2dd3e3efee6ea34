/**
 * @module store/sqlite/constraint-error
 * Maps SQLite constraint violations of a single-row insert to the store's typed errors: a foreign key on `run_id`
 * means the run does not exist; a primary key / unique violation means the record is already stored.
 */
import { DuplicateRecordError, type StoreRecordKind } from '../errors/duplicate-record-error.js';
import { RunNotFoundError } from '../errors/run-not-found-error.js';

/** Returns the typed error for `error`, or `error` itself when it is not a constraint violation we know. */
export function mapConstraintError(error: unknown, runId: string, record: StoreRecordKind, key: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return new RunNotFoundError({ runId, cause: error });
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') {
    return new DuplicateRecordError({ runId, record, key, cause: error });
  }
  return error;
}
