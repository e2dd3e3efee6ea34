import { describe, expect, test } from 'vitest';
import { StoreUnavailableError } from '../store/errors/store-unavailable-error.js';
import { describeError, ExitCode, exitCodeForError } from './exit-codes.js';

describe('exit codes of a store or disk that cannot be written', () => {
  const full = new StoreUnavailableError({ path: '/p/runs.sqlite', failure: 'disk-full', failureCode: 'SQLITE_FULL', operation: 'recordSample' });

  test('store_unavailable exits 8, distinct from every other exit code', () => {
    expect(exitCodeForError(full)).toBe(ExitCode.storeUnavailable);
    expect(ExitCode.storeUnavailable).toBe(8);
    const others = Object.entries(ExitCode).filter(([name]) => name !== 'storeUnavailable').map(([, code]) => code);
    expect(others).not.toContain(ExitCode.storeUnavailable);
  });

  test('its line is the message: store, what happened, what to do', () => {
    expect(describeError(full.duringRun({ runId: 'run-1', state: 'paused', statusRecorded: true })))
      .toBe('store /p/runs.sqlite: disk full (SQLITE_FULL); run run-1 is paused: free space on its disk, then run: zerr resume run-1');
  });

  test('a full disk under an output file is not a bug: exit 8 too, the path named', () => {
    const error = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', path: '/out/report.json' });
    expect(exitCodeForError(error)).toBe(ExitCode.storeUnavailable);
    expect(describeError(error)).toBe('/out/report.json: no space left on the device (disk full)');
    expect(exitCodeForError(Object.assign(new Error('x'), { code: 'EROFS' }))).toBe(ExitCode.badInput); // a path the user named
  });
});
