/**
 * @module store/sqlite/open-failure
 * Why a store file could not be opened, when the cause is its storage: SQLite says only "unable to open database
 * file" (`SQLITE_CANTOPEN`) for a file on a read-only file system, or in a folder it may not write (a WAL store
 * writes `<file>-wal` and `<file>-shm` beside the file); the folder is asked which it is.
 */
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { StoreOpenError } from '../errors/store-open-error.js';
import { StoreUnavailableError, type StoreFailure } from '../errors/store-unavailable-error.js';
import { storageFailureOf } from './storage-failure.js';

/**
 * System error codes of a folder or file that cannot be written, and what they mean. `permission`: the path was
 * given to a user who may not write it (bad input, as for any file the user names), not a failing disk.
 */
const UNWRITABLE: Readonly<Record<string, { readonly failure: StoreFailure | 'permission'; readonly words: string }>> = {
  EROFS: { failure: 'read-only', words: 'is on a read-only file system' },
  EACCES: { failure: 'permission', words: 'may not be written by this user' },
  EPERM: { failure: 'permission', words: 'may not be written' },
  ENOSPC: { failure: 'disk-full', words: 'is on a full disk' },
  EDQUOT: { failure: 'disk-full', words: 'is over its disk quota' },
};

/**
 * Looks at a failure to open (or create) the store file `file` (`StoreOpenError` from `SqliteRunStore.open`, its
 * `cause` the SQLite or system error). When the storage is to blame - the disk is full, the file or its folder is on
 * a read-only file system, an I/O error - returns a StoreUnavailableError (`store_unavailable`, operation `open`)
 * saying so, e.g. `store /mnt/ro/runs.sqlite: read-only (SQLITE_CANTOPEN: its folder /mnt/ro is on a read-only file
 * system) in open; make the store writable and try again`. When this user may not write the file or its folder,
 * returns a StoreOpenError (`store_open_failed`) that says so. Anything else (not a database, a newer schema, a path
 * nothing can be created in) is returned unchanged.
 */
export async function explainStoreOpenFailure(error: unknown, file: string): Promise<unknown> {
  const cause = (error as { cause?: unknown } | null)?.cause ?? error;
  const sqlite = storageFailureOf(cause);
  const errno = (cause as { code?: unknown } | null)?.code;
  const system = typeof errno === 'string' ? UNWRITABLE[errno] : undefined;
  // Creating the folders: a read-only file system can answer ENOENT to a recursive mkdir, so the folder is asked.
  const mkdir = (cause as { syscall?: unknown } | null)?.syscall === 'mkdir';
  if (sqlite === undefined && system === undefined && !mkdir) return error;
  const failureCode = sqlite?.failureCode ?? String(errno);
  const make = (failure: StoreFailure | 'permission', detail?: string, probed?: string): Error => {
    // SQLite's code where it gave one; else what the folder answered (a recursive mkdir can say ENOENT for EROFS).
    const reported = sqlite === undefined && probed !== undefined ? probed : failureCode;
    return failure === 'permission'
      ? new StoreOpenError({ path: file, reason: `${detail ?? 'permission denied'} (${reported})`, cause: error })
      : new StoreUnavailableError({ path: file, failure, failureCode: reported, operation: 'open', cause: error, ...(detail === undefined ? {} : { detail }) });
  };
  if (sqlite?.failure === 'disk-full' || sqlite?.failure === 'io-error') return make(sqlite.failure);
  // Which of the file and its nearest existing folder cannot be written, and why.
  const folder = await nearestExisting(path.dirname(path.resolve(file)));
  for (const [target, name] of [[file, 'the file'], [folder, `its folder ${folder}`]] as const) {
    const refusal = await access(target, constants.W_OK).then(() => undefined, (problem: NodeJS.ErrnoException) => problem.code);
    const known = refusal === undefined ? undefined : UNWRITABLE[refusal];
    if (known !== undefined) return make(known.failure, `${name} ${known.words}`, refusal);
  }
  if (system !== undefined) return make(system.failure);
  return sqlite?.failure === 'read-only' ? make('read-only') : error;
}

/** `folder`, or its nearest ancestor that exists. */
async function nearestExisting(folder: string): Promise<string> {
  let current = folder;
  for (;;) {
    const exists = await access(current).then(() => true, () => false);
    const parent = path.dirname(current);
    if (exists || parent === current) return current;
    current = parent;
  }
}
