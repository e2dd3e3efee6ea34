/**
 * @module server/api-keys
 * API keys of the HTTP server, kept in a JSON file (default `.zerr/api-keys.json` beside the run store, env
 * `ZERR_KEYS`). A key looks like `zerr_<id>_<secret>` and is shown once, when it is created; the file holds only
 * `{ id, name, hash, createdAt, revokedAt }`, where `hash` is `scrypt$<salt>$<digest>` (node:crypto scrypt,
 * N = 2^14, r = 8, p = 1, a random 16-byte salt per key, base64url).
 *
 * Refusing a bad key is cheap (docs/decisions/009-cheap-failed-authentication.md): a key that is not of the form
 * `zerr_<id>_<secret>`, or whose public id is unknown or revoked, is refused before any hashing; only a well-formed
 * key with a live id is hashed with scrypt, at most `maxConcurrentHashes` at a time (so a flood cannot take the
 * libuv thread pool that file and DNS work share), and a refused key's SHA-256 fingerprint is remembered so the
 * same wrong key is never hashed twice. Verified keys are cached by fingerprint. The parsed file is re-read when its
 * mtime changes, checked at most once per `recheckMs`, so a revocation by another process is seen within that time.
 * Digests are compared in constant time (`timingSafeEqual`). Writes go to a temporary file that is renamed over the
 * old one, mode 0600.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pLimit, { type LimitFunction } from 'p-limit';
import { z } from 'zod';
import { InvalidArgumentError, parseOptions, stateFolder } from '../index.js';

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
 * it is `:memory:`), `api-keys.json` in zerr's state folder (`<project root>/.zerr/`, or the user's data folder
 * outside any project: `store/state-folder.ts`).
 */
export function resolveKeysPath(options: { readonly cwd: string; readonly path?: string; readonly storePath?: string; readonly env?: Readonly<Record<string, string | undefined>> }): string {
  const env = (options.env ?? process.env)[KEYS_PATH_ENV];
  if (options.path !== undefined) return resolve(options.cwd, options.path);
  if (env !== undefined && env.trim() !== '') return resolve(options.cwd, env);
  if (options.storePath !== undefined && options.storePath !== ':memory:') return join(dirname(resolve(options.cwd, options.storePath)), 'api-keys.json');
  return join(stateFolder(options.cwd, options.env ?? process.env), 'api-keys.json');
}

/** Refused fingerprints remembered per file version (the oldest are forgotten beyond this). */
const MAX_REFUSED = 10_000;

/** Options of an {@link ApiKeyStore}. */
export interface ApiKeyStoreOptions {
  /** How long the parsed key file is trusted before its mtime is checked again, ms. Default 1000; 0 checks every time. */
  readonly recheckMs?: number;
  /** scrypt hashes computed at once (the rest wait). Default 2 (libuv's pool has 4 threads by default). */
  readonly maxConcurrentHashes?: number;
  /** Clock, ms epoch. Default `Date.now`. */
  readonly now?: () => number;
}

const StoreOptionsSchema = z.object({
  recheckMs: z.number().int().nonnegative().optional(),
  maxConcurrentHashes: z.number().int().positive().max(64).optional(),
  now: z.custom<() => number>((value) => typeof value === 'function', 'a function returning ms epoch').optional(),
}).strict();

/** The parsed key file as of one mtime, with the verification caches of that version. */
interface FileVersion {
  readonly mtimeMs: number;
  checkedAt: number;
  readonly byId: ReadonlyMap<string, ApiKeyRecord>;
  /** SHA-256 fingerprint of a verified key -> its record. */
  readonly verified: Map<string, ApiKeyRecord>;
  /** SHA-256 fingerprints of well-formed keys with a live id whose secret was wrong (insertion-ordered, bounded). */
  readonly refused: Set<string>;
}

/** The key file. Safe to share between processes for reads; writes are atomic (last writer wins). */
export class ApiKeyStore {
  readonly path: string;
  readonly #recheckMs: number;
  readonly #now: () => number;
  readonly #hashLimit: LimitFunction;
  #version: FileVersion | undefined;
  #loading: Promise<FileVersion> | undefined;
  #hashes = 0;

  /**
   * @param path the key file (see {@link resolveKeysPath}).
   * @throws InvalidArgumentError (`invalid_argument`) for options out of range (`options.recheckMs` < 0, ...).
   */
  constructor(path: string, options: ApiKeyStoreOptions = {}) {
    const parsed = parseOptions(StoreOptionsSchema, options, 'options');
    this.path = path;
    this.#recheckMs = parsed.recheckMs ?? 1000;
    this.#now = options.now ?? Date.now;
    this.#hashLimit = pLimit(parsed.maxConcurrentHashes ?? 2);
  }

  /** scrypt hashes computed by {@link ApiKeyStore.verify} so far (a failed-authentication flood should not raise it). */
  get hashCount(): number {
    return this.#hashes;
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

  /**
   * The record of `key` when it was verified recently (within `recheckMs` of the last look at the file), without
   * any I/O or hashing; undefined otherwise (then call {@link ApiKeyStore.verify}).
   */
  cached(key: string): ApiKeyRecord | undefined {
    const version = this.#version;
    if (version === undefined || this.#now() - version.checkedAt > this.#recheckMs || !KEY_PATTERN.test(key)) return undefined;
    return version.verified.get(fingerprintOf(key));
  }

  /**
   * The record of a valid (well-formed, known, not revoked) key, or undefined. Only a well-formed key with a live
   * id is hashed (scrypt), and a given wrong key only once per file version. `options.hash: false` (default true)
   * answers only from what is known without hashing: a key verified before (undefined when it would need a hash).
   * @throws InvalidArgumentError (`invalid_argument`, parameter `keysFile`) when the key file is not a valid key file.
   */
  async verify(key: string, options: { readonly hash?: boolean } = {}): Promise<ApiKeyRecord | undefined> {
    const match = KEY_PATTERN.exec(key);
    if (match === null) return undefined;
    const version = await this.#current();
    const record = version.byId.get(match[1] ?? '');
    if (record === undefined || record.revokedAt !== null) return undefined;
    const fingerprint = fingerprintOf(key);
    const cached = version.verified.get(fingerprint);
    if (cached !== undefined) return cached;
    if (version.refused.has(fingerprint) || options.hash === false) return undefined;
    const [, saltText = '', digestText = ''] = record.hash.split('$');
    const expected = Buffer.from(digestText, 'base64url');
    const actual = await this.#hashLimit(() => {
      this.#hashes += 1;
      return scryptAsync(key, Buffer.from(saltText, 'base64url'), DIGEST_BYTES, SCRYPT);
    });
    const equal = expected.length === actual.length && timingSafeEqual(expected, actual);
    if (!equal) {
      version.refused.add(fingerprint);
      if (version.refused.size > MAX_REFUSED) version.refused.delete(version.refused.values().next().value ?? '');
      return undefined;
    }
    version.verified.set(fingerprint, record);
    return record;
  }

  /** The parsed file, re-read when its mtime changed; the mtime is looked at most once per `recheckMs`. */
  async #current(): Promise<FileVersion> {
    const known = this.#version;
    const now = this.#now();
    if (known !== undefined && now - known.checkedAt <= this.#recheckMs) return known;
    this.#loading ??= (async () => {
      try {
        const mtimeMs = await this.#mtime();
        if (known !== undefined && known.mtimeMs === mtimeMs) {
          known.checkedAt = now;
          return known;
        }
        const keys = await this.list();
        const version: FileVersion = { mtimeMs, checkedAt: now, byId: new Map(keys.map((each) => [each.id, each])), verified: new Map(), refused: new Set() };
        this.#version = version;
        return version;
      } finally {
        this.#loading = undefined;
      }
    })();
    return this.#loading;
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
    this.#version = undefined;
  }
}

function fingerprintOf(key: string): string {
  return createHash('sha256').update(key).digest('base64url');
}
