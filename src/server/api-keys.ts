/**
 * @module server/api-keys
 * API keys of the HTTP server, kept in a JSON file (default `.zerr/api-keys.json` beside the run store, env
 * `ZERR_KEYS`). A key looks like `zerr_<id>_<secret>` and is shown once, when it is created; the file holds only
 * `{ id, name, hash, createdAt, revokedAt }`, where `hash` is `scrypt$<salt>$<digest>` (node:crypto scrypt,
 * N = 2^14, r = 8, p = 1, a random 16-byte salt per key, base64url). Verification compares digests in constant time
 * (`timingSafeEqual`) and caches verified keys until the file changes (revocation by another process is seen at the
 * next request). Writes go to a temporary file that is renamed over the old one, mode 0600.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { InvalidArgumentError, parseOptions } from '../index.js';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: { N: number; r: number; p: number }) => Promise<Buffer>;
const SCRYPT = { N: 1 << 14, r: 8, p: 1 } as const;
const DIGEST_BYTES = 32;
const KEY_PATTERN = /^zerr_([0-9a-f]{12})_([A-Za-z0-9_-]{32})$/;

/** Environment variable naming the key file. */
export const KEYS_PATH_ENV = 'ZERR_KEYS';

const ApiKeyRecordSchema = z.object({
  id: z.string().regex(/^[0-9a-f]{12}$/),
  name: z.string().min(1),
  hash: z.string().startsWith('scrypt$'),
  createdAt: z.number(),
  revokedAt: z.number().nullable(),
}).strict();
/** One stored key (never the key itself). */
export type ApiKeyRecord = z.infer<typeof ApiKeyRecordSchema>;

const KeyFileSchema = z.object({ version: z.literal(1), keys: z.array(ApiKeyRecordSchema) }).strict();

/**
 * Where the key file lives, first match wins: `path`, env `ZERR_KEYS`, `api-keys.json` beside `storePath` (unless
 * it is `:memory:`), `<cwd>/.zerr/api-keys.json`.
 */
export function resolveKeysPath(options: { readonly cwd: string; readonly path?: string; readonly storePath?: string; readonly env?: Readonly<Record<string, string | undefined>> }): string {
  const env = (options.env ?? process.env)[KEYS_PATH_ENV];
  if (options.path !== undefined) return resolve(options.cwd, options.path);
  if (env !== undefined && env.trim() !== '') return resolve(options.cwd, env);
  if (options.storePath !== undefined && options.storePath !== ':memory:') return join(dirname(resolve(options.cwd, options.storePath)), 'api-keys.json');
  return join(options.cwd, '.zerr', 'api-keys.json');
}

/** The key file. Safe to share between processes for reads; writes are atomic (last writer wins). */
export class ApiKeyStore {
  readonly path: string;
  #cache: { mtimeMs: number; verified: Map<string, ApiKeyRecord> } | undefined;

  constructor(path: string) {
    this.path = path;
  }

  /**
   * Creates a key named `name`; returns the key (shown once) and its record.
   * @throws InvalidArgumentError (`invalid_argument`) for an empty name.
   */
  async create(name: string): Promise<{ readonly key: string; readonly record: ApiKeyRecord }> {
    const trimmed = parseOptions(z.string().trim().min(1, 'a non-empty key name').max(100), name, 'name');
    const id = randomBytes(6).toString('hex');
    const secret = randomBytes(24).toString('base64url');
    const key = `zerr_${id}_${secret}`;
    const salt = randomBytes(16);
    const digest = await scryptAsync(key, salt, DIGEST_BYTES, SCRYPT);
    const record: ApiKeyRecord = { id, name: trimmed, hash: `scrypt$${salt.toString('base64url')}$${digest.toString('base64url')}`, createdAt: Date.now(), revokedAt: null };
    await this.#write([...(await this.list()), record]);
    return { key, record };
  }

  /** Every key record, revoked ones included, oldest first. */
  async list(): Promise<readonly ApiKeyRecord[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return [];
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new InvalidArgumentError({ parameter: 'keysFile', value: this.path, expected: `a JSON key file (${error instanceof Error ? error.message : String(error)})` });
    }
    return parseOptions(KeyFileSchema, json, 'keysFile').keys;
  }

  /**
   * Revokes key `id`; returns its record, or undefined when there is no such key. Revoking twice keeps the first
   * revocation time.
   */
  async revoke(id: string): Promise<ApiKeyRecord | undefined> {
    const keys = await this.list();
    const found = keys.find((key) => key.id === id);
    if (found === undefined) return undefined;
    if (found.revokedAt !== null) return found;
    const revoked = { ...found, revokedAt: Date.now() };
    await this.#write(keys.map((key) => (key.id === id ? revoked : key)));
    return revoked;
  }

  /** The record of a valid (well-formed, known, not revoked) key, or undefined. */
  async verify(key: string): Promise<ApiKeyRecord | undefined> {
    const mtimeMs = await this.#mtime();
    if (this.#cache?.mtimeMs !== mtimeMs) this.#cache = { mtimeMs, verified: new Map() };
    const fingerprint = createHash('sha256').update(key).digest('base64url');
    const cached = this.#cache.verified.get(fingerprint);
    if (cached !== undefined) return cached;
    const match = KEY_PATTERN.exec(key);
    const record = match === null ? undefined : (await this.list()).find((each) => each.id === match[1]);
    // Hash even when the id is unknown, so that the time taken does not tell which ids exist.
    const [, saltText = '', digestText = ''] = (record?.hash ?? 'scrypt$AAAAAAAAAAAAAAAAAAAAAA$').split('$');
    const expected = Buffer.from(digestText, 'base64url');
    const actual = await scryptAsync(key, Buffer.from(saltText, 'base64url'), DIGEST_BYTES, SCRYPT);
    const equal = expected.length === actual.length && timingSafeEqual(expected, actual);
    if (!equal || record === undefined || record.revokedAt !== null) return undefined;
    this.#cache.verified.set(fingerprint, record);
    return record;
  }

  async #mtime(): Promise<number> {
    try {
      return (await stat(this.path)).mtimeMs;
    } catch {
      return -1;
    }
  }

  async #write(keys: readonly ApiKeyRecord[]): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    await writeFile(temporary, `${JSON.stringify({ version: 1, keys }, null, 2)}\n`, { mode: 0o600 });
    await rename(temporary, this.path);
    this.#cache = undefined;
  }
}
