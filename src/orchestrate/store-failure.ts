/**
 * @module orchestrate/store-failure
 * How the orchestrators write a run's status when the store may be failing (disk full, read-only): the failure
 * that stopped the run is the one to report, and a status the store will not take leaves the run `running`, which
 * `zerr resume` continues.
 */
import { isStoreUnavailable } from '../store/errors/store-unavailable-error.js';

/**
 * Runs `write` (a status write); resolves to true when it was recorded, false when the store is unavailable
 * (`store_unavailable`: disk full, read-only, I/O error). Any other error is thrown.
 */
export async function recordedUnlessStoreFails(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (isStoreUnavailable(error)) return false;
    throw error;
  }
}

/**
 * Runs `write` (a status write of run `runId`); when the store is unavailable, throws its StoreUnavailableError
 * (`store_unavailable`) saying that the run is paused with its status unrecorded (it stays `running` in the store,
 * resumable with `zerr resume <runId>`). Any other error is thrown as it is.
 */
export async function pausedIfStoreFails(runId: string, write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (isStoreUnavailable(error)) throw error.duringRun({ runId, state: 'paused', statusRecorded: false });
    throw error;
  }
}
