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
import type { PlannedModule } from './project-layout.js';
import type { ProjectTypeError } from './project-type-checker.js';
import { pythonSequenceTestName, pythonTestName } from './python-project.js';
import { LOAD_FAILURE_TEST, type ProjectTestResult } from './sandbox-test-run.js';

/** Options of {@link checkPythonProject}. */
export interface CheckPythonProjectOptions {
  /** The project (relative path -> content), as `projectFiles` rendered it. */
  readonly files: Readonly<Record<string, string>>;
  /** Its modules, as `planModules` placed them. */
  readonly modules: readonly PlannedModule[];
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
      const run = await runner.run({ language: 'python', code, entryPoint: spec.signature.entryPoint, calls: [], perCallTimeoutMs: spec.limits.timeoutMs, ...(options.signal ? { signal: options.signal } : {}) });
      const name = `test_${spec.signature.entryPoint}_is_callable`;
      tests.push(run.kind === 'ran' ? { file, name, passed: true } : { file, name, passed: false, message: `${run.reason}: ${run.message}` });
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
    const run = await runner.run({
      language: 'python', code: packageImportCheck(sources, packageName, entryPoints), entryPoint: first.piece.spec.signature.entryPoint,
      calls: [], perCallTimeoutMs: Math.max(...options.modules.map((m) => m.piece.spec.limits.timeoutMs)), ...(options.signal ? { signal: options.signal } : {}),
    });
    tests.push(run.kind === 'ran' ? { file: init, name: PACKAGE_IMPORT_TEST, passed: true } : { file: init, name: PACKAGE_IMPORT_TEST, passed: false, message: `${run.reason}: ${run.message}` });
  }
  return { typeErrors, tests, typeCheckMs, testRunMs: performance.now() - testStarted };
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
