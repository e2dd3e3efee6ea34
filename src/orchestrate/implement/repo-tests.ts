/**
 * @module orchestrate/implement/repo-tests
 * A repository's own tests of one function: found by the test runners' naming conventions, and run in the sandbox
 * with a candidate spliced into the file (TypeScript: every project file transpiled in memory, run by the project
 * test harness with a `vitest`/Jest stand-in; Python: `pytest` in the sandbox with a reporting plugin).
 *
 * These tests are the repository's code and run in one process with the candidate, which could reach their
 * assertions or the report; so their verdict can only *reject* a candidate (decision 027). What accepts one is the
 * engine's own layers, judged by trusted code outside the candidate's process.
 */
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { z } from 'zod';
import { ts } from '../../task-spec/typescript-api.js';
import type { Sandbox } from '../../sandbox/sandbox.js';
import { runProjectTests, type ProjectTestResult } from '../project-build/integrate/sandbox-test-run.js';
import { VITEST_GLOBALS, VITEST_SHIM_PATH, VITEST_SHIM_SOURCE } from './vitest-shim-source.js';
import type { Language } from '../../task-spec/task-spec.js';

/** Files of a repository the test run needs: root-relative `/`-separated path -> text. */
export type RepositoryFiles = Readonly<Record<string, string>>;

const TYPESCRIPT_TEST = /(^|\/)__tests__\/.*\.[cm]?ts$|\.(test|spec)\.[cm]?ts$/;
const PYTHON_TEST = /(^|\/)test_[^/]*\.py$|_test\.py$/;

/**
 * The test files among `paths` (root-relative) that test function `name` of `target`: named as the language's test
 * runners find them (`*.test.ts`, `*.spec.ts`, `__tests__/`; `test_*.py`, `*_test.py`), mentioning the function by
 * name and importing the target module (its file name without extension appears in an import). Sorted.
 */
export function findRepoTests(options: { readonly paths: readonly string[]; readonly read: (path: string) => string | undefined; readonly target: string; readonly name: string; readonly language: Language }): string[] {
  const pattern = options.language === 'python' ? PYTHON_TEST : TYPESCRIPT_TEST;
  const stem = posix.basename(options.target).replace(/\.[^.]+$/, '');
  const word = new RegExp(`\\b${options.name}\\b`);
  const imports = options.language === 'python'
    ? new RegExp(`^\\s*(from\\s+[\\w.]*\\b${stem}\\b[\\w.]*\\s+import|import\\s+[\\w.]*\\b${stem}\\b)`, 'm')
    : new RegExp(`from\\s+['"][^'"]*\\b${stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\.[cm]?[jt]s)?['"]`);
  return options.paths
    .filter((path) => pattern.test(path) && !path.split('/').includes('node_modules') && path !== options.target)
    .filter((path) => {
      const text = options.read(path);
      return text !== undefined && word.test(text) && imports.test(text);
    })
    .sort();
}

/** Options of {@link runRepoTests}. */
export interface RunRepoTestsOptions {
  readonly language: Language;
  /** The project's files with the candidate spliced in (TypeScript: its `.ts` files; Python: its `.py` files and configuration). */
  readonly files: RepositoryFiles;
  /** The test files to run (root-relative). */
  readonly testFiles: readonly string[];
  readonly sandbox: Sandbox;
  /** Wall-clock limit of the whole run, ms. */
  readonly wallTimeMs: number;
  readonly signal?: AbortSignal;
}

/** One run's results: each test, and whether the run reported the end of every file. */
export interface RepoTestRun {
  readonly tests: readonly ProjectTestResult[];
  readonly completed: boolean;
}

/**
 * Runs the tests in one sandboxed process.
 * @throws SandboxUnavailableError (`sandbox_unavailable`) when the sandbox cannot run anything; the signal's reason.
 */
export async function runRepoTests(options: RunRepoTestsOptions): Promise<RepoTestRun> {
  return options.language === 'python' ? runPytest(options) : runTypeScriptTests(options);
}

/**
 * The project file a relative import `specifier` in `file` names (`./a`, `./a.js`, `./a.ts`, `./dir` with an
 * `index.ts`), or undefined (a package, or no such file).
 */
function resolveRelative(paths: ReadonlySet<string>, file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const resolved = posix.normalize(posix.join(posix.dirname(file), specifier));
  const stem = resolved.replace(/\.([cm]?)[jt]s$/, '');
  const extension = /\.([cm]?)[jt]s$/.exec(resolved)?.[1] ?? '';
  return [`${stem}.${extension}ts`, `${resolved}.ts`, `${resolved}/index.ts`].find((candidate) => paths.has(candidate));
}

/** The test files and every project file they import, directly or not (read with `ts.preProcessFile`, not run). */
export function reachableFiles(files: RepositoryFiles, testFiles: readonly string[]): Record<string, string> {
  const paths = new Set(Object.keys(files));
  const reached = new Set<string>();
  const queue = testFiles.filter((file) => paths.has(file));
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (reached.has(file)) continue;
    reached.add(file);
    for (const imported of ts.preProcessFile(files[file] ?? '', true, true).importedFiles) {
      const target = resolveRelative(paths, file, imported.fileName);
      if (target !== undefined && !reached.has(target)) queue.push(target);
    }
  }
  return Object.fromEntries([...reached].map((file) => [file, files[file] ?? '']));
}

async function runTypeScriptTests(options: RunRepoTestsOptions): Promise<RepoTestRun> {
  const paths = new Set(Object.keys(options.files));
  const tests = new Set(options.testFiles);
  const shimFrom = (file: string): string => {
    const relative = posix.relative(posix.dirname(file), VITEST_SHIM_PATH);
    return relative.startsWith('.') ? relative : `./${relative}`;
  };
  const run = await runProjectTests({
    files: reachableFiles(options.files, options.testFiles),
    testFiles: options.testFiles.map((path) => ({ path, timeoutMs: 5_000 })),
    sandbox: options.sandbox,
    wallTimeMs: options.wallTimeMs,
    harnessFiles: { [VITEST_SHIM_PATH]: VITEST_SHIM_SOURCE },
    preload: [VITEST_SHIM_PATH],
    transpile: {
      moduleSpecifier: (file, specifier) => {
        if (specifier === 'vitest' || specifier === '@jest/globals') return shimFrom(file);
        const target = resolveRelative(paths, file, specifier);
        if (target === undefined) return undefined;
        const relative = posix.relative(posix.dirname(file), target.replace(/\.([cm]?)ts$/, '.$1js'));
        return relative.startsWith('.') ? relative : `./${relative}`;
      },
      prelude: (file, text) => (tests.has(file) && !/from\s+['"](vitest|@jest\/globals|node:test)['"]/.test(text)
        ? `import { ${VITEST_GLOBALS.join(', ')} } from '${shimFrom(file)}';`
        : undefined),
    },
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return { tests: run.tests, completed: run.completed };
}

/** The pytest plugin that reports each test as one nonce-marked JSON line at the end of the session. */
const PYTEST_PLUGIN = String.raw`import json, sys
_results = []
_nonce = sys.stdin.readline().strip()
def _message(report):
    try:
        return str(report.longrepr)[-600:]
    except Exception:
        return 'failed'
def pytest_collectreport(report):
    if report.failed:
        _results.append({'file': report.nodeid.split('::')[0], 'name': '(load)', 'passed': False, 'message': _message(report)})
def pytest_runtest_logreport(report):
    if report.skipped:
        return
    if report.when == 'call' or report.failed:
        _results.append({'file': report.nodeid.split('::')[0], 'name': report.nodeid.split('::', 1)[-1], 'passed': report.passed, 'message': None if report.passed else _message(report)})
def pytest_sessionfinish(session, exitstatus):
    sys.__stdout__.write('\n' + _nonce + json.dumps(_results) + '\n')
    sys.__stdout__.flush()
`;

const PYTEST_ENTRY = String.raw`import os, sys
sys.path.insert(0, os.getcwd())
if os.path.isdir('src'):
    sys.path.insert(0, os.path.join(os.getcwd(), 'src'))
sys.dont_write_bytecode = True
import pytest
import zerr_pytest_report
sys.exit(pytest.main(['-q', '-p', 'no:cacheprovider', '-o', 'addopts=', '-p', 'zerr_pytest_report', *sys.argv[1:]]))
`;

const PytestResultsSchema = z.array(z.object({ file: z.string(), name: z.string(), passed: z.boolean(), message: z.string().nullable() }));

async function runPytest(options: RunRepoTestsOptions): Promise<RepoTestRun> {
  const nonce = `@@zerr-pytest-${randomBytes(16).toString('hex')}@@`;
  const result = await options.sandbox.run({
    runtime: 'python',
    files: { ...options.files, 'zerr_pytest_report.py': PYTEST_PLUGIN, 'zerr_pytest_entry.py': PYTEST_ENTRY },
    entry: 'zerr_pytest_entry.py',
    args: [...options.testFiles],
    stdin: `${nonce}\n`,
    limits: { wallTimeMs: options.wallTimeMs, cpuTimeSec: Math.ceil(options.wallTimeMs / 1000) + 1 },
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const line = result.stdout.split('\n').find((l) => l.startsWith(nonce));
  const parsed = line === undefined ? undefined : PytestResultsSchema.safeParse(parseJson(line.slice(nonce.length)));
  if (parsed?.success !== true) {
    const why = result.timedOut ? `the run went over its wall-clock limit (${Math.round(result.durationMs)} ms)` : `pytest ended with exit code ${String(result.exitCode)} and no report: ${(result.stderr || result.stdout).trim().slice(-400)}`;
    return { tests: options.testFiles.map((file) => ({ file, name: '(incomplete)', passed: false, message: why })), completed: false };
  }
  return { tests: parsed.data.map((t) => ({ file: t.file, name: t.name, passed: t.passed, ...(t.message === null ? {} : { message: t.message }) })), completed: true };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
