/**
 * @module store/errors/store-unavailable-error
 * Thrown when the store's file cannot be written (or read) any more: disk full, read-only, an I/O error, or a file
 * that can no longer be opened. Raised by the store; the orchestrators add what became of the run.
 */
import { ZeroErrorError } from '../../errors/zero-error-error.js';

/** What went wrong with the store's storage. */
export type StoreFailure = 'disk-full' | 'read-only' | 'io-error' | 'cannot-open';

/** Words for each {@link StoreFailure}: what happened, and what the user can do about it. */
const FAILURES: Readonly<Record<StoreFailure, { readonly what: string; readonly fix: string }>> = {
  'disk-full': { what: 'disk full', fix: 'free space on its disk' },
  'read-only': { what: 'read-only', fix: 'make the store writable' },
  'io-error': { what: 'I/O error', fix: 'check the disk' },
  'cannot-open': { what: 'cannot open the file', fix: 'make the store file and its folder accessible' },
};

/**
 * What became of the run the store failed under, as the orchestrator (solve run, build) recorded it:
 * - `paused`: stopped; the run is resumable with `zerr resume <runId>` once the store can be written.
 *   `statusRecorded` says whether its status row could be set to `paused`: when it could not, the run is still
 *   listed as `running` (its lease given back where the store allowed), which `zerr resume` continues all the same.
 * - `not-started`: the run was created but its tasks (or a build's start) could not all be recorded; nothing was
 *   sampled and it cannot be resumed: run the command again.
 */
export type StoreFailureRun =
  | { readonly runId: string; readonly state: 'paused'; readonly statusRecorded: boolean }
  | { readonly runId: string; readonly state: 'not-started' };

/** Options of {@link StoreUnavailableError}. */
export interface StoreUnavailableErrorOptions {
  /** The store's file. */
  readonly path: string;
  readonly failure: StoreFailure;
  /**
   * What reported it: a SQLite result code (`SQLITE_FULL`, `SQLITE_READONLY_DBMOVED`, `SQLITE_IOERR_WRITE`,
   * `SQLITE_CANTOPEN`) or a system error code (`EROFS`, `ENOSPC`) of the store's folder.
   */
  readonly failureCode: string;
  /** More precisely what is wrong, when known, e.g. `its folder /mnt/ro is on a read-only file system`. */
  readonly detail?: string;
  /** The store method that failed, e.g. `recordSample` (`open` when opening the file). */
  readonly operation: string;
  /** The run it happened to, once an orchestrator has stopped it (see {@link StoreFailureRun}). */
  readonly run?: StoreFailureRun;
  readonly cause?: unknown;
}

/**
 * The run store cannot be written: SQLite reported the disk full (`SQLITE_FULL`), the file or its file system
 * read-only (`SQLITE_READONLY*`), an I/O error (`SQLITE_IOERR*`) or a file that cannot be opened
 * (`SQLITE_CANTOPEN*`). Nothing recorded before is lost. A run that meets it pauses (see {@link StoreFailureRun});
 * the message is one line naming the store's path, what happened and what to do, e.g.
 * `store /p/runs.sqlite: disk full (SQLITE_FULL); run run-1 is paused: free space on its disk, then run: zerr resume run-1`.
 *
 * Code: `store_unavailable`. Retryable once the cause is fixed (space freed, the file made writable).
 */
export class StoreUnavailableError extends ZeroErrorError {
  /** The store's file. */
  readonly path: string;
  readonly failure: StoreFailure;
  /** What reported it, e.g. `SQLITE_FULL` (see {@link StoreUnavailableErrorOptions.failureCode}). */
  readonly failureCode: string;
  /** More precisely what is wrong, when known. */
  readonly detail: string | undefined;
  /** The store method that failed. */
  readonly operation: string;
  /** The run it stopped, when an orchestrator added it; undefined straight from the store. */
  readonly run: StoreFailureRun | undefined;
  /** The problem alone, without what to do: `store /p/runs.sqlite: disk full (SQLITE_FULL)`. */
  readonly problem: string;

  constructor(options: StoreUnavailableErrorOptions) {
    super('store_unavailable', storeUnavailableMessage(options), { cause: options.cause, isRetryable: true });
    this.path = options.path;
    this.failure = options.failure;
    this.failureCode = options.failureCode;
    this.detail = options.detail;
    this.operation = options.operation;
    this.run = options.run;
    this.problem = storeProblem(options);
  }

  /** The same failure, with what became of `run` (the message then says how to go on with it). */
  duringRun(run: StoreFailureRun): StoreUnavailableError {
    return new StoreUnavailableError({
      path: this.path, failure: this.failure, failureCode: this.failureCode, operation: this.operation, run, cause: this.cause,
      ...(this.detail === undefined ? {} : { detail: this.detail }),
    });
  }
}

/** True when `error` is a {@link StoreUnavailableError} (by its code, so across duplicated module instances too). */
export function isStoreUnavailable(error: unknown): error is StoreUnavailableError {
  return ZeroErrorError.isInstance(error) && error.code === 'store_unavailable';
}

function storeProblem(options: StoreUnavailableErrorOptions): string {
  return `store ${options.path}: ${FAILURES[options.failure].what} (${options.failureCode}${options.detail === undefined ? '' : `: ${options.detail}`})`;
}

function storeUnavailableMessage(options: StoreUnavailableErrorOptions): string {
  const { fix } = FAILURES[options.failure];
  const head = storeProblem(options);
  const { run } = options;
  if (run === undefined) return `${head} in ${options.operation}; ${fix} and try again`;
  if (run.state === 'not-started') {
    return `${head}; run ${run.runId} could not be recorded, nothing was sampled: ${fix}, then run the command again`;
  }
  const note = run.statusRecorded ? '' : ' (its status could not be recorded)';
  return `${head}; run ${run.runId} is paused${note}: ${fix}, then run: zerr resume ${run.runId}`;
}
