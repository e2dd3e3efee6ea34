import { afterEach, describe, expect, test, vi } from 'vitest';
import { main } from './main.js';
import { readSourceDateEpoch } from './source-date-epoch.js';

describe('SOURCE_DATE_EPOCH', () => {
  afterEach(() => { vi.unstubAllEnvs(); });

  test('reads whole seconds as ms; unset or empty is none; anything else is an error naming the variable and value', () => {
    expect(readSourceDateEpoch({})).toEqual({ ms: undefined });
    expect(readSourceDateEpoch({ SOURCE_DATE_EPOCH: ' ' })).toEqual({ ms: undefined });
    expect(readSourceDateEpoch({ SOURCE_DATE_EPOCH: '1790000000' })).toEqual({ ms: 1_790_000_000_000 });
    expect(readSourceDateEpoch({ SOURCE_DATE_EPOCH: '0' })).toEqual({ ms: 0 });
    for (const bad of ['-1', '1.5', '1e9', 'yesterday', '99999999999999999999']) {
      expect(readSourceDateEpoch({ SOURCE_DATE_EPOCH: bad })).toEqual({ error: expect.stringContaining(`SOURCE_DATE_EPOCH is ${JSON.stringify(bad)}; expected a non-negative whole number of seconds`) });
    }
  });

  test('zerr serve refuses a malformed value with exit 3 and one line, before opening anything', async () => {
    vi.stubEnv('SOURCE_DATE_EPOCH', 'last tuesday');
    const err: string[] = [];
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { err.push(String(chunk)); return true; });
    try {
      expect(await main(['node', 'zerr', 'serve', '--model', 'replay:/nonexistent.jsonl', '--store', '/nonexistent/dir/runs.sqlite'])).toBe(3);
    } finally {
      stderr.mockRestore();
    }
    expect(err.join('')).toBe('zerr serve: SOURCE_DATE_EPOCH is "last tuesday"; expected a non-negative whole number of seconds since 1970-01-01 UTC, e.g. 1790000000.\n');
  });
});
