/**
 * @module store
 * Public entry of the run store: the {@link RunStore} contract, its in-memory and SQLite implementations, the
 * store's errors and the default path helpers.
 */
export type {
  DecisionRecord,
  LayerResultRecord,
  NewRun,
  RedFlagRecord,
  RunRecord,
  RunStatus,
  RunStore,
  RunSummary,
  SampleRecord,
  TaskRecord,
  VoteRecord,
} from './run-store.js';
export { DuplicateRecordError, type StoreRecordKind } from './errors/duplicate-record-error.js';
export { RunNotFoundError } from './errors/run-not-found-error.js';
export { StoreClosedError } from './errors/store-closed-error.js';
export { StoreOpenError } from './errors/store-open-error.js';
export { MemoryRunStore } from './memory/memory-run-store.js';
export { SqliteRunStore, type SqliteRunStoreOptions } from './sqlite/sqlite-run-store.js';
export { SCHEMA_VERSION } from './sqlite/migrations.js';
export { resolveStorePath, runStoreDefaultPath, STORE_PATH_ENV } from './sqlite/store-path.js';
