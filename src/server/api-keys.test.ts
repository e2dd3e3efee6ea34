import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ApiKeyStore, resolveKeysPath } from './api-keys.js';
import { toWireError } from './error-table.js';
import { ApiError } from './api-error.js';

let work: string;
beforeAll(async () => { work = await mkdtemp(join(tmpdir(), 'zerr-keys-')); });
afterAll(async () => { await rm(work, { recursive: true, force: true }); });

describe('ApiKeyStore', () => {
  test('creates a key shown once, stores only a salted hash, verifies it, and refuses it once revoked', async () => {
    const path = join(work, 'nested', 'api-keys.json');
    // recheckMs 0: every verification looks at the file (the default trusts it for 1 s; tested below).
    const keys = new ApiKeyStore(path, { recheckMs: 0 });
    const { key, record } = await keys.create(' ci bot ');
    expect(key).toMatch(new RegExp(`^zerr_${record.id}_[A-Za-z0-9_-]{32}$`));
    expect(record).toMatchObject({ name: 'ci bot', revokedAt: null });
    const file = await readFile(path, 'utf8');
    expect(file).not.toContain(key.split('_').slice(2).join('_'));
    expect(JSON.parse(file)).toMatchObject({ version: 1, keys: [{ id: record.id, hash: expect.stringMatching(/^scrypt\$/) }] });
    expect((await stat(path)).mode & 0o777).toBe(0o600);

    const other = await keys.create('second');
    expect(other.record.hash).not.toBe(record.hash);
    expect(await keys.verify(key)).toMatchObject({ id: record.id, name: 'ci bot' });
    expect(await keys.verify(`${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`)).toBeUndefined();
    expect(await keys.verify(`zerr_${other.record.id}_${key.split('_').slice(2).join('_')}`)).toBeUndefined();
    expect(await keys.verify('zerr_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).toBeUndefined();
    expect(await keys.verify('not a key')).toBeUndefined();

    // Another process (another store object on the file) revokes: the cached verification is dropped.
    expect(await new ApiKeyStore(path).revoke(record.id)).toMatchObject({ id: record.id, revokedAt: expect.any(Number) });
    expect(await keys.verify(key)).toBeUndefined();
    expect(await keys.verify(other.key)).toMatchObject({ name: 'second' });
    expect(await keys.revoke('ffffffffffff')).toBeUndefined();
    expect((await keys.list()).map((each) => each.revokedAt === null)).toEqual([false, true]);
    await expect(keys.create('')).rejects.toMatchObject({ code: 'invalid_argument', parameter: 'name' });
  });

  test('refuses malformed keys, unknown and revoked ids without hashing; hashes a wrong secret of a live id once', async () => {
    const path = join(work, 'cheap', 'api-keys.json');
    const keys = new ApiKeyStore(path, { recheckMs: 0 });
    const { key, record } = await keys.create('alice');
    const revoked = await keys.create('bob');
    await keys.revoke(revoked.record.id);
    const secret = key.split('_').slice(2).join('_');
    expect(keys.hashCount).toBe(0);
    for (let i = 0; i < 50; i++) {
      expect(await keys.verify(`zerr_${i.toString(16).padStart(12, '0')}_${secret}`)).toBeUndefined();
      expect(await keys.verify(`garbage-${i}`)).toBeUndefined();
      expect(await keys.verify(`zerr_${revoked.record.id}_${secret}`)).toBeUndefined();
    }
    expect(keys.hashCount).toBe(0);
    const wrong = `zerr_${record.id}_${'A'.repeat(32)}`;
    expect(await keys.verify(wrong)).toBeUndefined();
    expect(await keys.verify(wrong)).toBeUndefined();
    expect(keys.hashCount).toBe(1);
    expect(await keys.verify(key)).toMatchObject({ id: record.id });
    expect(await keys.verify(key)).toMatchObject({ id: record.id });
    expect(keys.hashCount).toBe(2);
    // Concurrent verifications of distinct wrong secrets are each hashed once (two at a time) and all refused.
    const flood = await Promise.all(Array.from({ length: 6 }, (_, i) => keys.verify(`zerr_${record.id}_${String(i).repeat(32)}`)));
    expect(flood).toEqual(Array.from({ length: 6 }, () => undefined));
    expect(keys.hashCount).toBe(8);
  });

  test('trusts the file for recheckMs: cached() answers without I/O, a revocation by another process is seen after the window', async () => {
    const path = join(work, 'recheck', 'api-keys.json');
    let now = 1_000_000;
    const writer = new ApiKeyStore(path);
    const { key, record } = await writer.create('alice');
    const keys = new ApiKeyStore(path, { recheckMs: 1000, now: () => now });
    expect(keys.cached(key)).toBeUndefined();
    expect(await keys.verify(key)).toMatchObject({ id: record.id });
    expect(keys.cached(key)).toMatchObject({ id: record.id });
    expect(keys.cached(`${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`)).toBeUndefined();
    await writer.revoke(record.id);
    now += 500;
    expect(keys.cached(key)).toMatchObject({ id: record.id });
    expect(await keys.verify(key)).toMatchObject({ id: record.id });
    now += 501;
    expect(keys.cached(key)).toBeUndefined();
    expect(await keys.verify(key)).toBeUndefined();
    expect(() => new ApiKeyStore(path, { recheckMs: -1 })).toThrow(expect.objectContaining({ code: 'invalid_argument', parameter: 'options.recheckMs' }));
  });

  test('resolves the key file: explicit path, ZERR_KEYS, beside the store, or the state folder', () => {
    expect(resolveKeysPath({ cwd: '/p', path: 'k.json', env: { ZERR_KEYS: '/e.json' } })).toBe('/p/k.json');
    expect(resolveKeysPath({ cwd: '/p', storePath: '/s/runs.sqlite', env: { ZERR_KEYS: '/e.json' } })).toBe('/e.json');
    expect(resolveKeysPath({ cwd: '/p', storePath: 'data/runs.sqlite', env: {} })).toBe('/p/data/api-keys.json');
    expect(resolveKeysPath({ cwd: '/p', storePath: ':memory:', env: { XDG_DATA_HOME: '/data' } })).toBe('/data/zerr/api-keys.json');
  });
});

describe('error table', () => {
  test('maps engine codes, Fastify errors and unknown errors to statuses and codes', () => {
    expect(toWireError(new ApiError('run_not_found', 'no run'))).toEqual({ status: 404, body: { error: { code: 'run_not_found', message: 'no run' } } });
    expect(toWireError(Object.assign(new Error('x'), { code: 'escalation_already_answered', isRetryable: false })).status).toBe(409);
    expect(toWireError(Object.assign(new Error('x'), { code: 'model_unavailable', isRetryable: false })).status).toBe(503);
    expect(toWireError(Object.assign(new Error('x'), { code: 'some_new_code', isRetryable: false })).body.error.code).toBe('some_new_code');
    expect(toWireError(Object.assign(new Error('too big'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }))).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large' } } });
    expect(toWireError(Object.assign(new Error('bad json'), { code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 400 })).body.error.code).toBe('invalid_json');
    expect(toWireError(new TypeError('secret detail'))).toEqual({ status: 500, body: { error: { code: 'internal', message: 'internal error' } } });
    expect(toWireError(new ApiError('body_too_deep', 'deep'))).toMatchObject({ status: 400, body: { error: { code: 'body_too_deep' } } });
    expect(toWireError(new ApiError('auth_rate_limited', 'slow down', { retryAfterMs: 1500 }))).toEqual({ status: 429, body: { error: { code: 'auth_rate_limited', message: 'slow down' } }, retryAfterSeconds: 2 });
    expect(toWireError(Object.assign(new Error('full'), { code: 'run_queue_full', isRetryable: true, retryAfterMs: 10 }))).toMatchObject({ status: 429, retryAfterSeconds: 1 });
    expect(toWireError(new ApiError('task_not_found', 'no task')).status).toBe(404);
  });
});
