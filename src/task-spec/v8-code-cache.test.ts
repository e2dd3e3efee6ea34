import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codeCacheFile, codeCacheFolder, lastCodeCacheOutcome, requireWithCodeCache } from './v8-code-cache.js';

const require = createRequire(import.meta.url);
let work: string;
let cacheDir: string;
let moduleFile: string;
let parentUrl: string;

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'zerr-code-cache-'));
  cacheDir = join(work, 'cache');
  moduleFile = join(work, 'module.cjs');
  // Big enough that V8 keeps a code cache for it; the value shows the module ran.
  const functions = Array.from({ length: 200 }, (_, i) => `function f${i}(x) { return x * ${i} + ${i}; }`).join('\n');
  writeFileSync(moduleFile, `'use strict';\n${functions}\nmodule.exports = { answer: f2(20), dirname: __dirname, requireWorks: typeof require('node:path').join };\n`);
  parentUrl = pathToFileURL(join(work, 'parent.mjs')).href;
});

afterEach(() => {
  delete require.cache[moduleFile];
  rmSync(work, { recursive: true, force: true });
});

/** Loads the fixture afresh (as a new process would) with the cache in `cacheDir`. */
function load(env: NodeJS.ProcessEnv = { ZERR_CACHE_DIR: cacheDir }): unknown {
  delete require.cache[moduleFile];
  return requireWithCodeCache('./module.cjs', parentUrl, env);
}

describe('codeCacheFolder', () => {
  it('reads ZERR_CACHE_DIR, then XDG_CACHE_HOME, then ~/.cache; ZERR_CODE_CACHE=off turns it off', () => {
    expect(codeCacheFolder({ ZERR_CACHE_DIR: '/x/c', XDG_CACHE_HOME: '/xdg' })).toBe('/x/c');
    expect(codeCacheFolder({ XDG_CACHE_HOME: '/xdg' })).toBe('/xdg/zerr');
    expect(codeCacheFolder({ XDG_CACHE_HOME: 'relative' })).toMatch(/\/\.cache\/zerr$/); // XDG: relative paths are ignored
    expect(codeCacheFolder({ ZERR_CODE_CACHE: 'off', ZERR_CACHE_DIR: '/x/c' })).toBeUndefined();
  });
});

describe('requireWithCodeCache', () => {
  it('compiles and writes the cache on the first load, then loads from it; the module behaves the same', () => {
    const first = load();
    expect(lastCodeCacheOutcome().kind).toBe('written');
    expect(first).toEqual({ answer: 42, dirname: work, requireWorks: 'function' });
    const [file] = readdirSync(cacheDir);
    expect(file).toMatch(/^v8-\._module\.cjs-[0-9a-f]{24}\.bin$/);
    expect(statSync(cacheDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(cacheDir, file ?? '')).mode & 0o777).toBe(0o600);

    const second = load();
    expect(lastCodeCacheOutcome()).toEqual({ kind: 'hit', file: join(cacheDir, file ?? '') });
    expect(second).toEqual(first);
  });

  it('registers the module as require does: a later plain require gets the same instance', () => {
    const loaded = load();
    expect(createRequire(parentUrl)('./module.cjs')).toBe(loaded);
    expect(requireWithCodeCache('./module.cjs', parentUrl, { ZERR_CACHE_DIR: cacheDir })).toBe(loaded);
    expect(lastCodeCacheOutcome().kind).toBe('loaded');
  });

  it('a new version of the file gets a new cache file', () => {
    load();
    writeFileSync(moduleFile, `${readFileSync(moduleFile, 'utf8')}\nmodule.exports.answer = 43;\n`);
    expect(load()).toMatchObject({ answer: 43 });
    expect(lastCodeCacheOutcome().kind).toBe('written');
    expect(readdirSync(cacheDir)).toHaveLength(2);
  });

  it('a corrupt cache is rejected by V8 and rewritten; the module still loads', () => {
    // Corrupt before the first load: a source this thread already compiled comes from V8's own in-memory cache.
    mkdirSync(cacheDir, { mode: 0o700 });
    const file = codeCacheFile(moduleFile, './module.cjs', cacheDir);
    writeFileSync(file, Buffer.alloc(4096, 7), { mode: 0o600 });
    expect(load()).toMatchObject({ answer: 42 });
    expect(lastCodeCacheOutcome()).toEqual({ kind: 'rejected', file });
    expect(readFileSync(file).equals(Buffer.alloc(4096, 7))).toBe(false);
  });

  it('does not use a folder that others may write, or follow a symbolic link in place of a cache file', () => {
    mkdirSync(cacheDir, { mode: 0o700 });
    chmodSync(cacheDir, 0o777);
    expect(load()).toMatchObject({ answer: 42 });
    expect(lastCodeCacheOutcome().kind).toBe('off');
    expect(readdirSync(cacheDir)).toEqual([]);

    chmodSync(cacheDir, 0o700);
    load();
    const name = readdirSync(cacheDir)[0] ?? '';
    const planted = join(work, 'planted.bin');
    writeFileSync(planted, 'not bytecode');
    rmSync(join(cacheDir, name));
    symlinkSync(planted, join(cacheDir, name));
    expect(load()).toMatchObject({ answer: 42 });
    expect(lastCodeCacheOutcome().kind).toBe('written'); // the link was not read
    expect(readFileSync(planted, 'utf8')).toBe('not bytecode'); // nor written through
  });

  it('falls back to a plain require when there is no cache folder', () => {
    expect(load({ ZERR_CODE_CACHE: 'off' })).toMatchObject({ answer: 42 });
    expect(lastCodeCacheOutcome().kind).toBe('off');
  });
});
