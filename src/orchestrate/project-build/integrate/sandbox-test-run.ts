/**
 * @module orchestrate/project-build/integrate/sandbox-test-run
 * Runs every test of an integrated project inside the sandbox, never in the engine's process: each TypeScript file
 * is transpiled in memory (`ts.transpileModule`: transpiling is not running), and one sandboxed node process loads
 * the compiled test files through the harness of `test-harness-source.ts` and reports each test.
 */
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type TS from 'typescript';
import { ts } from '../../../task-spec/typescript-api.js';
import type { Sandbox, SandboxRunResult } from '../../../sandbox/sandbox.js';
import {
  HARNESS_FOLDER,
  NODE_TEST_SHIM_PATH,
  NODE_TEST_SHIM_SOURCE,
  TEST_RUNNER_INPUT_PATH,
  TEST_RUNNER_PATH,
  TEST_RUNNER_SOURCE,
} from './test-harness-source.js';

/** Name of the result standing for a test file that failed to load. */
export const LOAD_FAILURE_TEST = '(load)';
/** Name of the result standing for a test file the run never finished. */
export const INCOMPLETE_TEST = '(incomplete)';

/** One test's outcome. `file` is the project-relative `.ts` test file. */
export interface ProjectTestResult {
  readonly file: string;
  /**
   * The test's name, or `(load)` when the file failed to load and `(incomplete)` for a file the run never
   * finished (with the reason in `message`).
   */
  readonly name: string;
  readonly passed: boolean;
  readonly message?: string;
  /** The node the result speaks of when its file belongs to none (a service scenario's request: its route's handler). */
  readonly nodeId?: string;
}

/** A test file to run and the time limit of each of its async tests. */
export interface TestFileToRun {
  /** Project-relative path, e.g. `test/count-words.test.ts`. */
  readonly path: string;
  readonly timeoutMs: number;
}

/** Options of {@link runProjectTests}. */
export interface RunProjectTestsOptions {
  /** The project: relative path -> content. Every `.ts` (not `.d.ts`) file is transpiled. */
  readonly files: Readonly<Record<string, string>>;
  /** Test files in the order they run. */
  readonly testFiles: readonly TestFileToRun[];
  readonly sandbox: Sandbox;
  /** Wall-clock limit of the whole run. */
  readonly wallTimeMs: number;
  readonly signal?: AbortSignal;
  /** npm packages the project imports at run time (a service's Fastify), readable in the sandbox (`SandboxRunRequest.nodePackages`). Default none. */
  readonly nodePackages?: readonly string[];
  /** More files for the sandbox work folder (a test framework shim beside the harness), path -> content. Default none. */
  readonly harnessFiles?: Readonly<Record<string, string>>;
  /** How each file's imports are rewritten and what is put before it: see {@link TranspileOptions}. Default none. */
  readonly transpile?: TranspileOptions;
  /** Paths among `harnessFiles` the runner imports before any project file (so that they load before code under test). */
  readonly preload?: readonly string[];
}

/** How {@link transpileProjectFile} adapts a file beyond its `node:test` import. */
export interface TranspileOptions {
  /**
   * The specifier an import or re-export of `specifier` in `file` (project-relative) is rewritten to, or undefined to
   * keep it (e.g. `../src/strings` -> `../src/strings.js`, `vitest` -> the harness's shim).
   */
  readonly moduleSpecifier?: (file: string, specifier: string) => string | undefined;
  /** Source put before `file`'s text (a globals import), or undefined. */
  readonly prelude?: (file: string, text: string) => string | undefined;
}

/** Outcome of the sandboxed run. */
export interface ProjectTestRun {
  readonly tests: readonly ProjectTestResult[];
  /** True when the harness reported the end of every file. */
  readonly completed: boolean;
  /** The sandbox's own duration of the run, ms. */
  readonly sandboxMs: number;
}

/**
 * Transpiles the project and runs its tests in one sandboxed node process.
 * @throws SandboxUnavailableError (`sandbox_unavailable`) when the sandbox cannot run anything.
 */
export async function runProjectTests(options: RunProjectTestsOptions): Promise<ProjectTestRun> {
  const sandboxFiles: Record<string, string> = {
    ...options.harnessFiles,
    'package.json': '{"type":"module"}\n',
    [NODE_TEST_SHIM_PATH]: NODE_TEST_SHIM_SOURCE,
    [TEST_RUNNER_PATH]: TEST_RUNNER_SOURCE,
  };
  for (const [path, text] of Object.entries(options.files)) {
    if (isTranspiled(path)) sandboxFiles[javaScriptPath(path)] = transpileProjectFile(path, text, options.transpile);
  }
  sandboxFiles[TEST_RUNNER_INPUT_PATH] = JSON.stringify({
    files: options.testFiles.map((f) => ({ path: javaScriptPath(f.path), source: f.path, timeoutMs: f.timeoutMs })),
    ...(options.preload === undefined ? {} : { preload: options.preload.map((path) => `./${posix.relative(HARNESS_FOLDER, path)}`) }),
  });
  const nonce = `@@zerr-test-${randomBytes(16).toString('hex')}@@`;
  const result = await options.sandbox.run({
    runtime: 'node',
    files: sandboxFiles,
    entry: TEST_RUNNER_PATH,
    args: [TEST_RUNNER_INPUT_PATH],
    stdin: `${nonce}\n`,
    limits: { wallTimeMs: options.wallTimeMs, cpuTimeSec: Math.ceil(options.wallTimeMs / 1000) + 1 },
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.nodePackages !== undefined && options.nodePackages.length > 0 ? { nodePackages: options.nodePackages } : {}),
  });
  return { ...parseTestEvents(result, nonce, options.testFiles.map((f) => f.path)), sandboxMs: result.durationMs };
}

/** `src/a.ts` -> `src/a.js` (`.mts` -> `.mjs`, `.cts` -> `.cjs`). */
export function javaScriptPath(path: string): string {
  return path.replace(/\.([mc]?)ts$/, '.$1js');
}

function isTranspiled(path: string): boolean {
  return /\.[mc]?ts$/.test(path) && !/\.d\.[mc]?ts$/.test(path) && !path.startsWith(`${HARNESS_FOLDER}/`);
}

/**
 * Transpiles one file to ES2022 JavaScript (ES modules), with its `node:test` imports pointed at the harness shim and
 * the rewrites and prelude of `options`.
 * Type errors are ignored here: the type check reports them.
 */
export function transpileProjectFile(path: string, text: string, options: TranspileOptions = {}): string {
  const shim = posix.relative(posix.dirname(path), NODE_TEST_SHIM_PATH);
  const nodeTest = shim.startsWith('.') ? shim : `./${shim}`;
  const target = (specifier: string): string | undefined => (isNodeTest(specifier) ? nodeTest : options.moduleSpecifier?.(path, specifier));
  const rewrite: TS.TransformerFactory<TS.SourceFile> = (context) => (file) => {
    const visit = (node: TS.Node): TS.Node => {
      const to = (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)
        ? target(node.moduleSpecifier.text)
        : undefined;
      if (to === undefined) return node;
      if (ts.isImportDeclaration(node)) {
        return context.factory.updateImportDeclaration(node, node.modifiers, node.importClause, context.factory.createStringLiteral(to), node.attributes);
      }
      if (ts.isExportDeclaration(node)) {
        return context.factory.updateExportDeclaration(node, node.modifiers, node.isTypeOnly, node.exportClause, context.factory.createStringLiteral(to), node.attributes);
      }
      return node;
    };
    return ts.visitEachChild(file, visit, context);
  };
  const prelude = options.prelude?.(path, text);
  return ts.transpileModule(prelude === undefined ? text : `${prelude}\n${text}`, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, removeComments: false },
    fileName: path,
    reportDiagnostics: false,
    transformers: { before: [rewrite] },
  }).outputText;
}

function isNodeTest(specifier: string): boolean {
  return specifier === 'node:test';
}

interface HarnessEvent {
  readonly event: 'file-start' | 'file-error' | 'test-start' | 'test-end' | 'file-end' | 'done';
  readonly file?: string;
  readonly name?: string;
  readonly passed?: boolean;
  readonly message?: string;
}

/**
 * Reads the nonce-marked events of a run into results. A test that started and never ended, and a file that never
 * ended, are failures carrying why the run stopped (wall clock, output cap, crash with its stderr tail). Exported
 * for tests.
 */
export function parseTestEvents(
  result: SandboxRunResult,
  nonce: string,
  testFiles: readonly string[],
): { tests: ProjectTestResult[]; completed: boolean } {
  const events = result.stdout
    .split('\n')
    .filter((line) => line.startsWith(nonce))
    .flatMap((line): HarnessEvent[] => {
      try {
        return [JSON.parse(line.slice(nonce.length)) as HarnessEvent];
      } catch {
        return [];
      }
    });
  const tests: ProjectTestResult[] = [];
  const ended = new Set<string>();
  let running: { file: string; name: string } | undefined;
  for (const e of events) {
    if (e.event === 'test-start' && e.file !== undefined && e.name !== undefined) running = { file: e.file, name: e.name };
    if (e.event === 'test-end' && e.file !== undefined && e.name !== undefined) {
      running = undefined;
      tests.push({ file: e.file, name: e.name, passed: e.passed === true, ...(e.passed === true ? {} : { message: e.message ?? 'failed' }) });
    }
    if (e.event === 'file-error' && e.file !== undefined) tests.push({ file: e.file, name: LOAD_FAILURE_TEST, passed: false, message: e.message ?? 'failed to load' });
    if (e.event === 'file-end' && e.file !== undefined) ended.add(e.file);
  }
  const unfinished = testFiles.filter((file) => !ended.has(file));
  if (unfinished.length === 0) return { tests, completed: true };
  const reason = stopReason(result);
  if (running !== undefined) tests.push({ ...running, passed: false, message: `did not finish: ${reason}` });
  for (const file of unfinished) tests.push({ file, name: INCOMPLETE_TEST, passed: false, message: `the test run ended before this file finished: ${reason}` });
  return { tests, completed: false };
}

function stopReason(result: SandboxRunResult): string {
  if (result.timedOut) return `the sandboxed run went over its wall-clock limit (${Math.round(result.durationMs)} ms)`;
  if (result.outputTruncated) return 'the sandboxed run wrote more output than allowed';
  const tail = result.stderr.trim().slice(-500);
  const how = result.signal !== null ? `signal ${result.signal}` : `exit code ${String(result.exitCode)}`;
  return `the sandboxed process ended with ${how}${tail === '' ? '' : `: ${tail}`}`;
}
