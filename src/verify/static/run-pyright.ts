/**
 * @module verify/static/run-pyright
 * Type checks one Python candidate with the pyright CLI (`pyright --outputjson`), one process per candidate. Pyright
 * analyses the file and never executes it, so it runs outside the sandbox; it sees only a fresh temp folder holding
 * `candidate.py` and our `pyrightconfig.json` (`typeCheckingMode: basic`), never the host project's configuration.
 * Latency: about 1.0-2.0 s per candidate (a cold Node process that loads the typeshed stubs each time); a warm
 * `pyright-langserver` would bring this near 100 ms and is left for later.
 *
 * Bounds: the process is killed (SIGKILL) after `timeoutMs` (default 30 s), and its V8 heap is capped with
 * `--max-old-space-size` (`memoryLimitMb`, default 1024 MiB; a small candidate needs under 100 MiB): a candidate that
 * makes pyright slow or hungry costs a `tool-error` ("pyright timed out after 30000 ms"), never the engine.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import pLimit from 'p-limit';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';

/** One pyright error: 1-based line and column, message, and pyright's rule (e.g. `reportReturnType`). */
export interface PyrightDiagnostic {
  /** Folder-relative file, `/`-separated (`candidate.py` for {@link runPyright}). */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
  readonly rule: string;
}

/** Outcome of {@link runPyright}: `not-installed` when the pyright package cannot be resolved or `cliPath` is missing. */
export type PyrightResult =
  | { readonly status: 'checked'; readonly diagnostics: readonly PyrightDiagnostic[]; readonly durationMs: number }
  | { readonly status: 'not-installed' }
  | { readonly status: 'tool-error'; readonly message: string };

/** Path of pyright's CLI script (`pyright/index.js`), or undefined when the package is not installed. */
export function resolvePyright(): string | undefined {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('pyright/package.json')), 'index.js');
  } catch {
    return undefined;
  }
}

interface PyrightJson {
  generalDiagnostics?: { file?: string; severity?: string; message?: string; rule?: string; range?: { start?: { line?: number; character?: number } } }[];
}

/** Default wall-clock limit of one pyright run, in ms. */
export const DEFAULT_PYRIGHT_TIMEOUT_MS = 30_000;

/** Default V8 heap limit of the pyright process (`--max-old-space-size`), in MiB. */
export const DEFAULT_PYRIGHT_MEMORY_LIMIT_MB = 1024;

/**
 * Runs pyright on `code`. `cliPath` defaults to {@link resolvePyright}; `timeoutMs` (wall clock, then SIGKILL)
 * defaults to 30_000; `memoryLimitMb` (the process's V8 heap) to 1024. Only `error` diagnostics are returned. Never
 * throws for a bad candidate; an unusable pyright run is `tool-error` (`pyright timed out after 30000 ms`,
 * `pyright ran out of memory (limit 1024 MiB)`, or the process's error). Throws only the signal's reason when aborted.
 * At most one pyright process per core runs at once (`os.availableParallelism()`); a run waits for a free slot before
 * its time limit starts.
 */
export async function runPyright(options: {
  readonly code: string;
  readonly cliPath?: string | undefined;
  readonly timeoutMs?: number;
  readonly memoryLimitMb?: number;
  readonly signal?: AbortSignal;
}): Promise<PyrightResult> {
  const { code, ...rest } = options;
  const config = { typeCheckingMode: 'basic', enableTypeIgnoreComments: false, include: ['candidate.py'] };
  return runPyrightProject({ ...rest, files: { 'candidate.py': code, 'pyrightconfig.json': JSON.stringify(config) } });
}

/**
 * Runs pyright on a whole project: `files` (relative path -> content, `/`-separated, e.g. `src/pkg/a.py` and a
 * `pyproject.toml` with `[tool.pyright]`, or a `pyrightconfig.json`) written into a fresh temp folder, which is the
 * project pyright checks; diagnostics name their folder-relative file. Same bounds, defaults and outcomes as
 * {@link runPyright}.
 * Never throws for bad files: a path that leaves the folder (`..`, absolute) is a `tool-error`; throws only the
 * signal's reason when aborted.
 */
export async function runPyrightProject(options: {
  readonly files: Readonly<Record<string, string>>;
  readonly cliPath?: string | undefined;
  readonly timeoutMs?: number;
  readonly memoryLimitMb?: number;
  readonly signal?: AbortSignal;
}): Promise<PyrightResult> {
  const cliPath = options.cliPath ?? resolvePyright();
  if (cliPath === undefined || !existsSync(cliPath)) return { status: 'not-installed' };
  const outside = Object.keys(options.files).find((path) => isAbsolute(path) || path.split('/').includes('..') || path === '');
  if (outside !== undefined) return { status: 'tool-error', message: `the project file path ${JSON.stringify(outside)} leaves the project folder` };
  // One pyright process per core at most: a pyright run takes a core for 1-4 s, and its time limit measures its own run,
  // never the wait for a core (five samples verified at once on 2 cores timed out at 30 s, rejecting right candidates).
  return PYRIGHT_SLOTS(() => runPyrightNow(cliPath, options.files, options));
}

/** Pyright processes in flight in this process, at most one per core. */
const PYRIGHT_SLOTS = pLimit(Math.max(1, availableParallelism()));

async function runPyrightNow(
  cliPath: string,
  files: Readonly<Record<string, string>>,
  options: { readonly timeoutMs?: number; readonly memoryLimitMb?: number; readonly signal?: AbortSignal },
): Promise<PyrightResult> {
  options.signal?.throwIfAborted();
  const started = performance.now();
  const folder = await mkdtemp(join(tmpdir(), 'zerr-pyright-'));
  try {
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(folder, path)), { recursive: true });
      await writeFile(join(folder, path), text);
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_PYRIGHT_TIMEOUT_MS;
    const memoryLimitMb = options.memoryLimitMb ?? DEFAULT_PYRIGHT_MEMORY_LIMIT_MB;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const args = [`--max-old-space-size=${memoryLimitMb}`, cliPath, '--outputjson', '--project', folder];
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, args, { cwd: folder, signal, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 }, (error, out, err) => {
        // Exit code 1 means "errors found"; anything else without JSON is a tool failure.
        if (error === null || (error.code === 1 && out !== '')) resolve(out);
        else if (timeout.aborted && options.signal?.aborted !== true) reject(new Error(`pyright timed out after ${timeoutMs} ms`));
        else if (/heap out of memory|Allocation failed/.test(err)) reject(new Error(`pyright ran out of memory (limit ${memoryLimitMb} MiB)`));
        else reject(error);
      });
    });
    const parsed = JSON.parse(stdout) as PyrightJson;
    const diagnostics = (parsed.generalDiagnostics ?? [])
      .filter((d) => d.severity === 'error')
      .map((d) => ({
        file: d.file === undefined ? '' : relative(folder, d.file).split(sep).join('/'),
        line: (d.range?.start?.line ?? -1) + 1,
        column: (d.range?.start?.character ?? -1) + 1,
        message: d.message ?? '',
        rule: d.rule ?? 'error',
      }));
    return { status: 'checked', diagnostics, durationMs: performance.now() - started };
  } catch (error) {
    options.signal?.throwIfAborted();
    return { status: 'tool-error', message: error instanceof Error ? error.message : String(error) };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
