/**
 * @module orchestrate/project-build/integrate/verify-project
 * Verifies an integrated project as a whole, with each problem traced to the DAG node to blame. TypeScript: every
 * `src/` and `test/` file type-checked together in memory, then every test run in one sandboxed process. Python:
 * pyright over the package and its tests, then each piece's tests against the package (`python-project-check.ts`).
 */
import { z } from 'zod';
import { parseOptions } from '../../../errors/index.js';
import type { Sandbox } from '../../../sandbox/sandbox.js';
import { attributeFailures } from './failure-attribution.js';
import type { IntegratedPiece } from './integrated-piece.js';
import { planModules, projectLanguage } from './project-layout.js';
import { checkPythonProject } from './python-project-check.js';
import type { Service } from '../../../decompose/decomposition-proposal.js';
import { ProjectTypeChecker, type ProjectTypeError } from './project-type-checker.js';
import { INCOMPLETE_TEST, runProjectTests, type ProjectTestResult } from './sandbox-test-run.js';
import { blameFirstFailingRequest } from './python-service.js';
import { SERVICE_DEPENDENCIES, SERVICE_REQUEST_MS, TYPESCRIPT_SERVICE_TEST_PATH } from './typescript-service.js';

/** Options of {@link verifyProject}. */
export interface VerifyProjectOptions {
  /** The project (relative path -> content), as `projectFiles` rendered it (perhaps edited since). */
  readonly files: Readonly<Record<string, string>>;
  /** The pieces the files were rendered from: they map files to nodes and give per-test time limits. */
  readonly pieces: readonly IntegratedPiece[];
  /** The project's name, as given to `projectFiles` (a Python project's package is named after it). Default `zerr-project`. */
  readonly name?: string;
  /** The project's HTTP service, as given to `projectFiles`: its scenario runs against the server in the sandbox. */
  readonly service?: Service | undefined;
  readonly sandbox: Sandbox;
  readonly signal?: AbortSignal;
  /** A warm checker to reuse across verifications of one build. Default: a new one (its first check parses the lib). */
  readonly typeChecker?: ProjectTypeChecker;
  /**
   * Wall-clock limit of the sandboxed test run. Default: 5 s plus, per test case, its spec's `limits.timeoutMs`
   * plus 50 ms, at most 120 s.
   */
  readonly testWallTimeMs?: number;
}

/** Verdict on a whole project. */
export interface ProjectVerdict {
  /** No type error, and every test ran and passed. */
  readonly passed: boolean;
  readonly typeErrors: readonly ProjectTypeError[];
  /** Every test, in run order; a file that failed to load or never finished appears as one failing entry. */
  readonly tests: readonly ProjectTestResult[];
  /**
   * Nodes to fix, sorted: the root causes among the affected nodes (see `failure-attribution`). Empty when the
   * project passed, and possibly when its only problems are in files of no node (e.g. `src/index.ts`).
   */
  readonly failingNodeIds: readonly string[];
  /** Every node with a type error or failing test in its own module or test file, sorted. */
  readonly affectedNodeIds: readonly string[];
  /** Time of the in-memory type check, ms. */
  readonly typeCheckMs: number;
  /** Time of the sandboxed test run (transpiling included), ms. */
  readonly testRunMs: number;
  /** Whole verification, ms. */
  readonly durationMs: number;
}

const OptionsSchema = z
  .object({
    files: z.record(z.string(), z.string()),
    pieces: z.array(z.unknown()).min(1, 'at least one piece'),
    name: z.string().optional(),
    service: z.unknown().optional(),
    sandbox: z.custom<Sandbox>((v) => typeof (v as Partial<Sandbox> | null)?.run === 'function', 'a Sandbox'),
    signal: z.instanceof(AbortSignal).optional(),
    typeChecker: z.instanceof(ProjectTypeChecker).optional(),
    testWallTimeMs: z.number().int().positive().max(600_000).optional(),
  })
  .strict();

/** Most the default test wall clock grows to, ms. */
const MAX_DEFAULT_TEST_WALL_TIME_MS = 120_000;

/**
 * Type-checks the project, runs all its tests in the sandbox (even when the check found errors: the failing tests
 * help to locate them) and attributes every problem to a node.
 *
 * @throws InvalidArgumentError (`invalid_argument`) for malformed options or pieces (see `projectFiles`).
 * @throws ModuleNameClashError (`module_name_clash`) as `projectFiles` does.
 * @throws SandboxUnavailableError (`sandbox_unavailable`) when the sandbox cannot run anything.
 * @throws PythonToolError (`python_tool_failed`, retryable) when pyright cannot check a Python project.
 * @throws the signal's reason when `signal` aborts before the tests ran.
 */
export async function verifyProject(options: VerifyProjectOptions): Promise<ProjectVerdict> {
  parseOptions(OptionsSchema, options);
  const started = performance.now();
  const modules = planModules(options.pieces, options.name === undefined ? {} : { name: options.name });
  options.signal?.throwIfAborted();
  if (projectLanguage(options.pieces) === 'python') {
    const python = await checkPythonProject({
      files: options.files, modules, service: options.service, sandbox: options.sandbox, ...(options.signal ? { signal: options.signal } : {}),
    });
    const failed = python.tests.filter((t) => !t.passed);
    const attribution = attributeFailures(modules, [...python.typeErrors, ...failed]);
    return {
      passed: python.typeErrors.length === 0 && failed.length === 0,
      typeErrors: python.typeErrors,
      tests: python.tests,
      failingNodeIds: attribution.failingNodeIds,
      affectedNodeIds: attribution.affectedNodeIds,
      typeCheckMs: python.typeCheckMs,
      testRunMs: python.testRunMs,
      durationMs: performance.now() - started,
    };
  }
  const checked = (options.typeChecker ?? new ProjectTypeChecker()).check(options.files);
  options.signal?.throwIfAborted();
  const testStarted = performance.now();
  const { service } = options;
  const limitOf = new Map<string, number>(modules.map((m) => [m.testPath, m.piece.spec.limits.timeoutMs] as const));
  if (service !== undefined) limitOf.set(TYPESCRIPT_SERVICE_TEST_PATH, SERVICE_REQUEST_MS);
  const testFiles = Object.keys(options.files)
    .filter((path) => /^test\/.+\.test\.[mc]?ts$/.test(path))
    .sort()
    .map((path) => ({ path, timeoutMs: limitOf.get(path) ?? 2000 }));
  const caseCount = modules.reduce((sum, m) => sum + Math.max(1, m.piece.spec.testCases.length) * (m.piece.spec.limits.timeoutMs + 50), 0)
    + (service === undefined ? 0 : (service.scenario.length + 1) * SERVICE_REQUEST_MS);
  const run = await runProjectTests({
    files: options.files,
    testFiles,
    sandbox: options.sandbox,
    wallTimeMs: options.testWallTimeMs ?? Math.min(MAX_DEFAULT_TEST_WALL_TIME_MS, 5000 + caseCount),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(service === undefined ? {} : { nodePackages: Object.keys(SERVICE_DEPENDENCIES) }),
  });
  const testRunMs = performance.now() - testStarted;
  // A before hook that fails (the server does not start) is no handler's.
  const tests = service === undefined ? run.tests : blameFirstFailingRequest(run.tests, service, TYPESCRIPT_SERVICE_TEST_PATH, (test) => test.message?.startsWith('a before hook failed') === true);
  const failedTests = tests.filter((t) => !t.passed);
  // A file the run never reached is no evidence against its node: the test that was running is.
  const attribution = attributeFailures(modules, [...checked.errors, ...failedTests.filter((t) => t.name !== INCOMPLETE_TEST)]);
  return {
    passed: checked.errors.length === 0 && run.completed && failedTests.length === 0,
    typeErrors: checked.errors,
    tests,
    failingNodeIds: attribution.failingNodeIds,
    affectedNodeIds: attribution.affectedNodeIds,
    typeCheckMs: checked.durationMs,
    testRunMs,
    durationMs: performance.now() - started,
  };
}
