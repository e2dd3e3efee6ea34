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
    const keys = new ApiKeyStore(path);
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

  test('resolves the key file: explicit path, ZERR_KEYS, beside the store, or .zerr/', () => {
    expect(resolveKeysPath({ cwd: '/p', path: 'k.json', env: { ZERR_KEYS: '/e.json' } })).toBe('/p/k.json');
    expect(resolveKeysPath({ cwd: '/p', storePath: '/s/runs.sqlite', env: { ZERR_KEYS: '/e.json' } })).toBe('/e.json');
    expect(resolveKeysPath({ cwd: '/p', storePath: 'data/runs.sqlite', env: {} })).toBe('/p/data/api-keys.json');
    expect(resolveKeysPath({ cwd: '/p', storePath: ':memory:', env: {} })).toBe('/p/.zerr/api-keys.json');
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
  });
});
