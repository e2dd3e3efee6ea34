/**
 * @module store/sqlite/storage-failure
 * Recognises the SQLite errors that mean the store's storage failed (disk full, read-only, I/O error, cannot
 * open), as opposed to a constraint or a bug, from the `code` of better-sqlite3's `SqliteError`.
 */
import type { StoreFailure } from '../errors/store-unavailable-error.js';

/**
 * The storage failure `error` reports, or undefined when it is not one: `SQLITE_FULL` -> `disk-full`,
 * `SQLITE_READONLY*` -> `read-only`, `SQLITE_IOERR*` -> `io-error`, `SQLITE_CANTOPEN*` -> `cannot-open`
 * (extended codes such as `SQLITE_IOERR_WRITE` included).
 */
export function storageFailureOf(error: unknown): { readonly failure: StoreFailure; readonly failureCode: string } | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  if (typeof code !== 'string') return undefined;
  const failure = code === 'SQLITE_FULL' ? 'disk-full'
    : isCode(code, 'SQLITE_READONLY') ? 'read-only'
      : isCode(code, 'SQLITE_IOERR') ? 'io-error'
        : isCode(code, 'SQLITE_CANTOPEN') ? 'cannot-open'
          : undefined;
  return failure === undefined ? undefined : { failure, failureCode: code };
}

/** `code` is `base` or one of its extended codes (`base_...`). */
function isCode(code: string, base: string): boolean {
  return code === base || code.startsWith(`${base}_`);
}
