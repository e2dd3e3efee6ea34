/**
 * @module spec/score-hidden-tests
 * Scores a finished candidate on a benchmark problem's hidden tests in the sandbox, the way the benchmark itself
 * does: HumanEval runs `code + test + check(entry_point)` with Python; MultiPL-E runs `code + tests` with Node
 * (exit code 0 passes). For scoring only: the engine never sees the hidden tests while choosing a candidate.
 */
import ts from 'typescript';
import { z } from 'zod';
import { InvalidArgumentError } from '../errors/index.js';
import type { Sandbox, SandboxRunRequest } from '../sandbox/sandbox.js';
import type { BenchmarkProblem } from '../spec/task-spec.js';

/** Options of {@link scoreOnHiddenTests}. */
export interface ScoreOnHiddenTestsOptions {
  readonly sandbox: Sandbox;
  readonly problem: BenchmarkProblem;
  /** The complete candidate source (for a completion model: stub + completion), in the problem's language. */
  readonly code: string;
  /** Wall-clock limit of the whole test program, in ms. Default 10_000. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** Why a score came out as it did. */
export type HiddenTestReason = 'passed' | 'failed' | 'timeout' | 'killed' | 'syntax-error';

/** Outcome of scoring: `passed` iff the test program exited with code 0. */
export interface HiddenTestScore {
  readonly passed: boolean;
  /** `failed`: non-zero exit (assertion or exception); `killed`: ended by a signal; `syntax-error`: TS did not parse. */
  readonly reason: HiddenTestReason;
  /** Last lines of stderr (at most 2000 characters), for diagnosis. */
  readonly detail: string;
  readonly durationMs: number;
}

const OptionsSchema = z.object({ timeoutMs: z.number().int().positive().optional() });

/** The sandbox request that runs `code` against the problem's hidden tests, or a syntax error for TypeScript. */
export function hiddenTestRequest(
  problem: BenchmarkProblem,
  code: string,
  timeoutMs: number,
): { request: Omit<SandboxRunRequest, 'signal'> } | { syntaxError: string } {
  const limits = { wallTimeMs: timeoutMs, cpuTimeSec: Math.ceil(timeoutMs / 1000) + 1 };
  const { hidden } = problem;
  if (hidden.language === 'python') {
    const program = `${code}\n${hidden.program}\n${hidden.runner}\n`;
    return { request: { runtime: 'python', files: { 'program.py': program }, entry: 'program.py', limits } };
  }
  const source = `${code}\n${hidden.program}\n${hidden.runner}\n`;
  const output = ts.transpileModule(source, {
    fileName: 'program.ts',
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, sourceMap: false },
  });
  const [first] = output.diagnostics ?? [];
  if (first !== undefined) return { syntaxError: ts.flattenDiagnosticMessageText(first.messageText, '\n') };
  // .cjs: Node treats the file as a CommonJS script, so the tests' `require('node:assert')` works.
  return { request: { runtime: 'node', files: { 'program.cjs': output.outputText }, entry: 'program.cjs', limits } };
}

const tail = (text: string): string => (text.length > 2000 ? text.slice(-2000) : text);

/**
 * Runs `code` against `problem.hidden` in `sandbox`. TypeScript is transpiled without type-checking (type errors
 * are the caller's business; MultiPL-E counts them as failures); syntax errors fail without running.
 *
 * @returns `{ passed, reason, detail, durationMs }`; never throws for anything the program does.
 * @throws InvalidArgumentError (`invalid_argument`) for a bad `timeoutMs`.
 * @throws SandboxUnavailableError (`sandbox_unavailable`) from the sandbox when isolation cannot be set up.
 */
export async function scoreOnHiddenTests(options: ScoreOnHiddenTestsOptions): Promise<HiddenTestScore> {
  const checked = OptionsSchema.safeParse({ timeoutMs: options.timeoutMs });
  if (!checked.success) {
    throw new InvalidArgumentError({ parameter: 'options.timeoutMs', value: options.timeoutMs, expected: 'a positive integer (ms)' });
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  const prepared = hiddenTestRequest(options.problem, options.code, timeoutMs);
  if ('syntaxError' in prepared) {
    return { passed: false, reason: 'syntax-error', detail: prepared.syntaxError, durationMs: 0 };
  }
  const result = await options.sandbox.run({
    ...prepared.request,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const reason: HiddenTestReason = result.timedOut
    ? 'timeout'
    : result.exitCode === 0
      ? 'passed'
      : result.exitCode === null
        ? 'killed'
        : 'failed';
  return { passed: reason === 'passed', reason, detail: tail(result.stderr), durationMs: result.durationMs };
}
