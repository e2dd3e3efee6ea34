/**
 * @module task-spec/v8-code-cache
 * Loads one large CommonJS file (TypeScript's 9 MB `typescript.js`) with a V8 code cache: the bytecode V8 compiled for
 * its top level on an earlier run, kept in the user's cache folder. Compiling `typescript.js` costs about 0.2 s of
 * the 0.35 s its `require` takes on a 2-core machine; with the cache the load takes about 0.12 s. `zerr verify` loads
 * TypeScript twice (the engine's thread and the analysis worker), so this is the largest single start-up cost.
 *
 * Node 22 has this built in (`module.enableCompileCache`); Node 20, which the project supports, does not. The
 * `v8-compile-cache` package hooks every `require` but keeps its files in the shared temp folder by default, names
 * them after the main module (a worker thread has none: one cache per working directory) and writes them only at
 * process exit (a terminated worker never does), so this module does the one thing needed, for one file.
 *
 * Trust: cached bytecode runs as the engine, so it is read only from a folder of the current user's that no one else
 * can write (`$ZERR_CACHE_DIR`, else `$XDG_CACHE_HOME/zerr`, else `~/.cache/zerr`; created with mode 0700, and
 * refused when it is not a real directory owned by the user without group or other write permission) - the same
 * trust as the installed `node_modules`. V8 rejects a cache made by another V8 version or flags, or for a source of a
 * different length; the file name also carries the source file's size, modification time and inode, so an upgraded
 * package gets a new cache. Any failure (no home, read-only disk, a rejected cache) falls back to a plain `require`:
 * the cache changes speed only, never behaviour. `ZERR_CODE_CACHE=off` turns it off.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeFileSync, constants as fs } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

/** The cache folder (see the module note), or undefined when there is none to use. */
export function codeCacheFolder(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env['ZERR_CODE_CACHE'] === 'off') return undefined;
  const explicit = env['ZERR_CACHE_DIR'];
  if (explicit !== undefined && explicit !== '') return explicit;
  const xdg = env['XDG_CACHE_HOME'];
  if (xdg !== undefined && xdg.startsWith('/')) return join(xdg, 'zerr');
  try {
    const home = homedir();
    return home === '' ? undefined : join(home, '.cache', 'zerr');
  } catch {
    return undefined;
  }
}

/** Whether `stats` belongs to the current user and no one else may write it. */
function privateToUser(stats: { readonly uid: number; readonly mode: number }): boolean {
  return (process.getuid === undefined || stats.uid === process.getuid()) && (stats.mode & 0o022) === 0;
}

/** `folder`, created if missing (mode 0700), when it is a directory only the current user can write; else undefined. */
function privateFolder(folder: string): string | undefined {
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const stats = lstatSync(folder);
    return stats.isDirectory() && privateToUser(stats) ? folder : undefined;
  } catch {
    return undefined;
  }
}

/** The cached bytes at `path` when it is a regular file only the current user can write (no symbolic link followed). */
function readPrivateFile(path: string): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, fs.O_RDONLY | fs.O_NOFOLLOW);
    const stats = fstatSync(fd);
    if (!stats.isFile() || !privateToUser(stats)) return undefined;
    return readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Writes `data` to `path` through a temporary file and a rename, so a reader never sees half a file. Best effort. */
function writePrivateFile(path: string, data: Buffer): void {
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    writeFileSync(temporary, data, { mode: 0o600, flag: 'wx' });
    renameSync(temporary, path);
  } catch {
    // A full or read-only disk: the next run compiles again.
  }
}

/**
 * The cache file of the resolved module `file` (required as `specifier`) in `folder`: named after the specifier and a
 * hash of the file's path, size, modification time and inode, V8's version and the architecture.
 * @throws the `stat` error when `file` cannot be read.
 */
export function codeCacheFile(file: string, specifier: string, folder: string): string {
  const stats = statSync(file);
  const key = createHash('sha256')
    .update(JSON.stringify([file, stats.size, stats.mtimeMs, stats.ino, process.versions.v8, process.arch]))
    .digest('hex').slice(0, 24);
  return join(folder, `v8-${specifier.replace(/[^\w.-]/g, '_')}-${key}.bin`);
}

/** What the last {@link requireWithCodeCache} call did, for tests. */
export interface CodeCacheOutcome {
  /**
   * `hit`: loaded from the cache; `written`: compiled, cache written; `rejected`: V8 refused the cached bytes (another
   * V8, flags or a corrupt file), compiled and rewritten; `off`: no usable folder (plain require); `loaded`: already
   * in `require.cache`.
   */
  readonly kind: 'hit' | 'written' | 'rejected' | 'off' | 'loaded';
  /** The cache file, when one was used or written. */
  readonly file?: string;
}

let lastOutcome: CodeCacheOutcome = { kind: 'off' };

/** What the last {@link requireWithCodeCache} call did. */
export function lastCodeCacheOutcome(): CodeCacheOutcome {
  return lastOutcome;
}

type CompileHook = (this: Module & { _compile: CompileHook }, content: string, filename: string) => unknown;

/**
 * `require(specifier)` resolved from `parentUrl`, compiling the resolved file with a V8 code cache (see the module
 * note). The module is registered in `require.cache` as a plain `require` would, so every later `require` of it in
 * this thread (typescript-eslint's, for one) gets the same instance. Only the resolved file itself is cached; the
 * modules it requires load as usual.
 *
 * @param specifier a package name, e.g. `typescript`.
 * @param parentUrl the requiring module's `import.meta.url`.
 * @param env where the cache folder is read from (default `process.env`).
 * @throws whatever `require(specifier)` throws (a missing package).
 */
export function requireWithCodeCache(specifier: string, parentUrl: string, env: NodeJS.ProcessEnv = process.env): unknown {
  const require = createRequire(parentUrl);
  const file = require.resolve(specifier);
  if (require.cache[file] !== undefined) {
    lastOutcome = { kind: 'loaded' };
    return require(specifier);
  }
  const folder = codeCacheFolder(env);
  const privateCache = folder === undefined ? undefined : privateFolder(folder);
  if (privateCache === undefined) {
    lastOutcome = { kind: 'off' };
    return require(specifier);
  }
  let cacheFile: string;
  try {
    cacheFile = codeCacheFile(file, specifier, privateCache);
  } catch {
    lastOutcome = { kind: 'off' };
    return require(specifier);
  }
  const cached = readPrivateFile(cacheFile);
  const proto = (Module as unknown as { prototype: { _compile: CompileHook } }).prototype;
  const original = proto._compile;
  proto._compile = function compileWithCache(content, filename) {
    if (filename !== file) return original.call(this, content, filename);
    proto._compile = original; // one file only
    const wrapper = (Module as unknown as { wrap(source: string): string }).wrap(content);
    const script = new Script(wrapper, { filename, ...(cached === undefined ? {} : { cachedData: cached }) });
    const compiled = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    const result = compiled.call(this.exports, this.exports, createRequire(filename), this, filename, dirname(filename));
    if (cached === undefined || script.cachedDataRejected === true) {
      // Created after the top level ran: the functions it compiled eagerly, not every function called later (a
      // bigger cache costs more to read than it saves).
      writePrivateFile(cacheFile, script.createCachedData());
      lastOutcome = { kind: cached === undefined ? 'written' : 'rejected', file: cacheFile };
    } else {
      lastOutcome = { kind: 'hit', file: cacheFile };
    }
    return result;
  };
  try {
    return require(specifier);
  } finally {
    proto._compile = original;
  }
}
