/**
 * @module store
 * Public entry of the run store: the {@link RunStore} contract, its in-memory and SQLite implementations, the
 * store's errors, the default path helpers and {@link taskProgress} (what a resumed task starts from).
 */
export type {
  CallFailureRecord,
  CheckpointRecord,
  DecisionRecord,
  EscalationRecord,
  EscalationStatus,
  LayerResultRecord,
  NewEscalation,
  NewRun,
  RedFlagRecord,
  RunEventRecord,
  RunOwner,
  RunRecord,
  RunStatus,
  RunStore,
  RunSummary,
  SampleRecord,
  TaskRecord,
  VoteRecord,
} from './run-store.js';
export { isEmptyProgress, taskProgress, type TaskProgress } from './task-progress.js';
export { LATEST_RUN, resolveRunId } from './resolve-run-id.js';
export { DuplicateRecordError, type StoreRecordKind } from './errors/duplicate-record-error.js';
export { EscalationAnsweredError } from './errors/escalation-answered-error.js';
export { EscalationNotFoundError } from './errors/escalation-not-found-error.js';
export { RunBusyError } from './errors/run-busy-error.js';
export { RunNotFoundError } from './errors/run-not-found-error.js';
export { RunLease, processExists, type RunLeaseOptions } from './run-lease.js';
export { StoreClosedError } from './errors/store-closed-error.js';
export { StoreOpenError } from './errors/store-open-error.js';
export {
  isStoreUnavailable, StoreUnavailableError, type StoreFailure, type StoreFailureRun, type StoreUnavailableErrorOptions,
} from './errors/store-unavailable-error.js';
export { MemoryRunStore } from './memory/memory-run-store.js';
export { SqliteRunStore, type SqliteRunStoreOptions } from './sqlite/sqlite-run-store.js';
export { SCHEMA_VERSION } from './sqlite/migrations.js';
export { resolveStorePath, runStoreDefaultPath, STORE_PATH_ENV } from './sqlite/store-path.js';
export { findProjectRoot, PROJECT_CONFIG_FILE, stateFolder, userDataFolder } from './state-folder.js';
export { explainStoreOpenFailure } from './sqlite/open-failure.js';
