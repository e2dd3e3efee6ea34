/**
 * @module orchestrate/project-build/integrate/python-project-check
 * Verifies an integrated Python project as a whole: pyright over the package and its tests together (the project's
 * own `[tool.pyright]` settings), then every piece's visible tests run against the package as it is laid out.
 *
 * The tests' verdicts are decided by the engine, as the `unit-tests` layer decides them: for each piece one
 * sandboxed process writes the project's `src/` files into its private work folder, imports the piece's entry point
 * from the package (`from text_stats.count_words import count_words`, which runs the package's own relative imports
 * of its dependencies), calls it on the piece's test inputs and sends back plain data; the engine compares. Python
 * code cannot keep a secret from other code in its process (any frame's locals are reachable), so running the
 * pytest files in the sandbox and reading their report would let the code under test forge that report; the test
 * files are rendered from the same test cases by trusted code, type-checked with the project, and are what `pytest`
 * runs in the output folder.
 */
import type { Sandbox } from '../../../sandbox/sandbox.js';
import { SandboxCandidateRunner } from '../../../sandbox/sandbox-candidate-runner.js';
import { runPyrightProject } from '../../../verify/static/run-pyright.js';
import { PythonToolError } from '../../../verify/python/run-python-tool.js';
import { UnitTestsLayer, type SequenceResult, type TestCaseOutcome } from '../../../verify/layers/unit-tests.js';
import type { Service } from '../../../decompose/decomposition-proposal.js';
import { renderValue } from '../../../verify/render-value.js';
import { valuesEqual } from '../../../verify/values-equal.js';
import type { PlannedModule } from './project-layout.js';
import { blameFirstFailingRequest, PYTHON_EXCHANGE_SOURCE, serviceRequestName } from './python-service.js';
import type { ProjectTypeError } from './project-type-checker.js';
import { pythonSequenceTestName, pythonTestName } from './python-project.js';
import { LOAD_FAILURE_TEST, type ProjectTestResult } from './sandbox-test-run.js';

/** Options of {@link checkPythonProject}. */
export interface CheckPythonProjectOptions {
  /** The project (relative path -> content), as `projectFiles` rendered it. */
  readonly files: Readonly<Record<string, string>>;
  /** Its modules, as `planModules` placed them. */
  readonly modules: readonly PlannedModule[];
  /** The project's HTTP service, whose scenario runs against a fresh server in the sandbox (its own loopback). */
  readonly service?: Service | undefined;
  readonly sandbox: Sandbox;
  readonly signal?: AbortSignal;
}

/** What {@link checkPythonProject} found. */
export interface PythonProjectCheck {
  readonly typeErrors: readonly ProjectTypeError[];
  /**
   * Per piece, in module order: each test (named as in its test file), or one `(load)` failure; then
   * `(package import)` for `src/<package>/__init__.py`.
   */
  readonly tests: readonly ProjectTestResult[];
  readonly typeCheckMs: number;
  readonly testRunMs: number;
}

/** Name of the check that the package imports as users import it (`from pkg import a, b`). */
export const PACKAGE_IMPORT_TEST = '(package import)';

/** Tries of a pyright run that failed as a tool (a timeout under load, a crash) before the check gives up. */
const PYRIGHT_TRIES = 2;

/**
 * Type-checks the project with pyright and runs each piece's tests against the package in the sandbox.
 * @throws PythonToolError (`python_tool_failed`, retryable) when pyright is not installed or fails twice as a tool:
 *   a project that could not be checked gets no verdict.
 * @throws SandboxUnavailableError (`sandbox_unavailable`) when the sandbox cannot run anything.
 * @throws the signal's reason when it aborts.
 */
export async function checkPythonProject(options: CheckPythonProjectOptions): Promise<PythonProjectCheck> {
  const typeStarted = performance.now();
  const typeErrors = await typeCheck(options.files, options.signal);
  const typeCheckMs = performance.now() - typeStarted;
  const testStarted = performance.now();
  const runner = new SandboxCandidateRunner(options.sandbox);
  const layer = new UnitTestsLayer({ runner });
  const sources = Object.fromEntries(Object.entries(options.files).filter(([path]) => path.startsWith('src/') && path.endsWith('.py')));
  const tests: ProjectTestResult[] = [];
  for (const module of options.modules) {
    options.signal?.throwIfAborted();
    const { spec } = module.piece;
    const code = packageLoader(sources, module);
    const file = module.testPath;
    if (!layer.appliesTo(spec)) {
      // No test case: the file's one test asserts that the entry point imports as something callable.
      tests.push(await loads(runner, { file, name: `test_${spec.signature.entryPoint}_is_callable` }, code, spec.signature.entryPoint, spec.limits.timeoutMs, options.signal));
      continue;
    }
    const result = await layer.verify({ spec, candidate: { language: 'python', code }, ...(options.signal ? { signal: options.signal } : {}) });
    // Function pieces: `details.tests`; class pieces: `details.sequences`; neither when the module did not load.
    const details = result.details as { tests?: readonly TestCaseOutcome[]; sequences?: readonly SequenceResult[] } | undefined;
    const outcomes = details?.tests ?? details?.sequences;
    if (outcomes === undefined) {
      tests.push({ file, name: LOAD_FAILURE_TEST, passed: false, message: result.reason });
      continue;
    }
    const nameOf = details?.tests !== undefined ? pythonTestName : pythonSequenceTestName;
    for (const outcome of outcomes) {
      const name = nameOf(spec.signature.entryPoint, outcome.index - 1);
      tests.push(outcome.passed ? { file, name, passed: true } : { file, name, passed: false, message: outcome.message ?? 'failed' });
    }
  }
  // The package as users import it: `__init__.py` and every name it re-exports.
  const init = Object.keys(sources).find((path) => /^src\/[^/]+\/__init__\.py$/.test(path));
  const first = options.modules[0];
  if (init !== undefined && first !== undefined) {
    const packageName = init.split('/')[1] ?? '';
    const entryPoints = options.modules.map((m) => m.piece.spec.signature.entryPoint);
    const timeoutMs = Math.max(...options.modules.map((m) => m.piece.spec.limits.timeoutMs));
    tests.push(await loads(runner, { file: init, name: PACKAGE_IMPORT_TEST }, packageImportCheck(sources, packageName, entryPoints), first.piece.spec.signature.entryPoint, timeoutMs, options.signal));
  }
  if (options.service !== undefined && init !== undefined) {
    tests.push(...await checkService(runner, sources, init.split('/')[1] ?? '', options.service, options.signal));
  }
  return { typeErrors, tests, typeCheckMs, testRunMs: performance.now() - testStarted };
}

/** The result `test` (a file and a name) of loading `code` in the sandbox with `entryPoint` callable: passed, or why not. */
async function loads(runner: SandboxCandidateRunner, test: { readonly file: string; readonly name: string }, code: string, entryPoint: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<ProjectTestResult> {
  const run = await runner.run({ language: 'python', code, entryPoint, calls: [], perCallTimeoutMs: timeoutMs, ...(signal ? { signal } : {}) });
  return run.kind === 'ran' ? { ...test, passed: true } : { ...test, passed: false, message: `${run.reason}: ${run.message}` };
}

/** Name of the service check's entry point in the sandboxed process: one request per call. */
const SERVICE_ENTRY = '__zerr_service_request';

/** Longest one request of a scenario may take in the sandbox (the first one also starts the server), in ms. */
const SERVICE_REQUEST_MS = 3000;

/**
 * Runs the service's scenario in one sandboxed process: the package written as for the pieces, a fresh server from
 * its `server.py` on a free port of the sandbox's own loopback (the sandbox has no other network), started by the
 * first request; each request is one call of the harness (so each has its own time limit) made with `urllib`, and
 * its status and JSON payload come back as plain data, judged here. One result per request, named
 * `service #n: METHOD path`; the first failing one (a wrong answer, an error, no answer in time) is blamed on its
 * route's handler - later ones may fail only because of the state it left.
 */
async function checkService(runner: SandboxCandidateRunner, sources: Readonly<Record<string, string>>, packageName: string, service: Service, signal: AbortSignal | undefined): Promise<ProjectTestResult[]> {
  const file = 'tests/test_service.py';
  const code = [
    ...writeSources(sources),
    'import json',
    'import threading',
    'import urllib.error',
    'import urllib.request',
    '',
    PYTHON_EXCHANGE_SOURCE,
    '',
    '_zerr_base = []',
    '',
    '',
    `def ${SERVICE_ENTRY}(method, path, body):`,
    '    if not _zerr_base:',
    `        from ${packageName}.server import make_server`,
    "        server = make_server('127.0.0.1', 0)",
    '        threading.Thread(target=server.serve_forever, daemon=True).start()',
    "        _zerr_base.append('http://127.0.0.1:%d' % server.server_address[1])",
    '    return list(exchange(_zerr_base[0], method, path, body))',
    '',
  ].join('\n');
  const run = await runner.run({
    language: 'python', code, entryPoint: SERVICE_ENTRY, calls: service.scenario.map((step) => [step.method, step.path, step.body ?? null]),
    perCallTimeoutMs: SERVICE_REQUEST_MS, ...(signal ? { signal } : {}),
  });
  if (run.kind === 'failed') return [{ file, name: LOAD_FAILURE_TEST, passed: false, message: `the service could not run its scenario (${run.reason}): ${run.message}` }];
  return blameFirstFailingRequest(service.scenario.map((step, index): ProjectTestResult => {
    const outcome = run.outcomes[index];
    let problem: string | undefined;
    if (outcome === undefined) problem = 'got no answer (the process stopped before this request)';
    else if (outcome.kind === 'timeout') problem = `got no answer within ${SERVICE_REQUEST_MS} ms`;
    else if (outcome.kind === 'error') problem = `could not be made: ${outcome.errorType}: ${outcome.message}`;
    else {
      const [status, payload] = Array.isArray(outcome.value) ? outcome.value as [unknown, unknown] : [undefined, undefined];
      if (status !== step.status) problem = `answered ${String(status)} ${renderValue(payload)}, expected ${step.status}`;
      else if (step.response !== undefined && !valuesEqual(payload, step.response)) problem = `answered ${renderValue(payload)}, expected ${renderValue(step.response)}`;
    }
    if (problem === undefined) return { file, name: serviceRequestName(index, step), passed: true };
    return { file, name: serviceRequestName(index, step), passed: false, message: problem };
  }), service, file);
}

/** Pyright's errors on the project's Python files under its `pyproject.toml`, as project type errors (code 0). */
async function typeCheck(files: Readonly<Record<string, string>>, signal: AbortSignal | undefined): Promise<ProjectTypeError[]> {
  const checked = Object.fromEntries(Object.entries(files).filter(([path]) => path.endsWith('.py') || path === 'pyproject.toml'));
  let failure = '';
  for (let attempt = 1; attempt <= PYRIGHT_TRIES; attempt++) {
    const result = await runPyrightProject({ files: checked, ...(signal ? { signal } : {}) });
    if (result.status === 'not-installed') throw new PythonToolError('pyright is not installed: the Python project cannot be type-checked (npm install in zerr\'s folder installs it)');
    if (result.status === 'checked') {
      return result.diagnostics
        .map((d) => ({ file: d.file, line: d.line, column: d.column, code: 0, message: `${d.message} (${d.rule})` }))
        .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
    }
    failure = result.message;
  }
  throw new PythonToolError(`pyright could not check the Python project (${PYRIGHT_TRIES} tries): ${failure}`);
}

/**
 * The code the sandboxed harness loads for one piece: it writes the package's files into `project/` beside the
 * harness (the process's private work folder), puts `project/src` first on `sys.path`, and imports the piece's entry
 * point from its module, so that the calls go through the package's real relative imports. The package's
 * `__init__.py`, which imports every module, is not run (the package is registered as a bare namespace with its
 * folder as `__path__`): a module that fails to import then fails its own piece and those that import it, not every
 * piece of the project. {@link packageImportCheck} runs `__init__.py` on its own.
 */
export function packageLoader(sources: Readonly<Record<string, string>>, module: PlannedModule): string {
  const [, packageName = '', moduleName = ''] = /^src\/([^/]+)\/([^/]+)\.py$/.exec(module.sourcePath) ?? [];
  return [
    ...writeSources(sources),
    'import types as _zerr_types',
    `_zerr_package = _zerr_types.ModuleType(${JSON.stringify(packageName)})`,
    `_zerr_package.__path__ = [_zerr_os.path.join(_zerr_root, 'src', ${JSON.stringify(packageName)})]`,
    `_zerr_package.__package__ = ${JSON.stringify(packageName)}`,
    `_zerr_sys.modules[${JSON.stringify(packageName)}] = _zerr_package`,
    `from ${packageName}.${moduleName} import ${module.piece.spec.signature.entryPoint}`,
    '',
  ].join('\n');
}

/** The code that imports the package as users do (`from pkg import a, b`, running `__init__.py`); entry point `a`. */
export function packageImportCheck(sources: Readonly<Record<string, string>>, packageName: string, entryPoints: readonly string[]): string {
  return [...writeSources(sources), `from ${packageName} import ${entryPoints.join(', ')}`, ''].join('\n');
}

/** Python lines that write `sources` under `project/` beside the harness and put `project/src` first on `sys.path`. */
function writeSources(sources: Readonly<Record<string, string>>): string[] {
  return [
    'import os as _zerr_os',
    'import sys as _zerr_sys',
    '',
    "_zerr_root = _zerr_os.path.join(_zerr_os.path.dirname(_zerr_os.path.abspath(_zerr_sys.argv[0])), 'project')",
    '_zerr_files = {',
    ...Object.entries(sources).map(([path, text]) => `    ${JSON.stringify(path)}: ${JSON.stringify(text)},`),
    '}',
    'for _zerr_path, _zerr_text in _zerr_files.items():',
    "    _zerr_target = _zerr_os.path.join(_zerr_root, *_zerr_path.split('/'))",
    '    _zerr_os.makedirs(_zerr_os.path.dirname(_zerr_target), exist_ok=True)',
    "    with open(_zerr_target, 'w', encoding='utf-8') as _zerr_file:",
    '        _zerr_file.write(_zerr_text)',
    "_zerr_sys.path.insert(0, _zerr_os.path.join(_zerr_root, 'src'))",
  ];
}
