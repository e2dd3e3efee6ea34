/**
 * @module task-spec/score-hidden-tests
 * Scores a finished candidate on a benchmark problem's hidden tests, the way the benchmark itself does (HumanEval's
 * `check(entry_point)` in Python, MultiPL-E's `tests` in Node), with the candidate and the tests in two separate
 * sandboxed processes. For scoring only: the engine never sees the hidden tests while choosing a candidate.
 */
import { ts } from '../task-spec/typescript-api.js';
import { pythonImportLines } from '../task-spec/render-stub.js';
import { z } from 'zod';
import { InvalidArgumentError } from '../errors/index.js';
import { SandboxCandidateRunner } from '../sandbox/sandbox-candidate-runner.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import { parseWire } from '../sandbox/value-encoding.js';
import type { BenchmarkProblem } from '../task-spec/task-spec.js';
import { CLASS_PROXY_ENTRY, pythonClassProxyDriver, pythonClassProxyPrelude } from './judge/class-proxy.js';
import { NODE_TEST_PROGRAM_SOURCE, PYTHON_TEST_PROGRAM_SOURCE } from './judge/test-program-harness.js';

/** Options of {@link scoreOnHiddenTests}. */
export interface ScoreOnHiddenTestsOptions {
  readonly sandbox: Sandbox;
  readonly problem: BenchmarkProblem;
  /** The complete candidate source (for a completion model: stub + completion), in the problem's language. */
  readonly code: string;
  /** Wall-clock limit of the whole test program (the candidate's calls included), in ms. Default 10_000. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** Why a score came out as it did. */
export type HiddenTestReason = 'passed' | 'failed' | 'timeout' | 'syntax-error';

/** Outcome of scoring: `passed` iff the test program exited with code 0. */
export interface HiddenTestScore {
  readonly passed: boolean;
  /** `failed`: an assertion or exception in the tests, or the candidate did not load; `syntax-error`: TS did not parse. */
  readonly reason: HiddenTestReason;
  /** Last lines of stderr (at most 2000 characters), for diagnosis. */
  readonly detail: string;
  readonly durationMs: number;
  /**
   * Test classes by name, whether each passed (every test ran and passed), when the test program reports them (the
   * ClassEval runner runs each unittest `TestCase` class on its own, as the dataset's labels do); absent otherwise.
   */
  readonly testClasses?: Readonly<Record<string, boolean>>;
}

const OptionsSchema = z.object({ timeoutMs: z.number().int().positive().optional() });

/** The hidden-test program the judge runs: the benchmark's tests with the entry point as a proxy, or a syntax error. */
export function hiddenTestProgram(problem: BenchmarkProblem, code: string): { program: string } | { syntaxError: string } {
  const { hidden, spec } = problem;
  const entry = spec.signature.entryPoint;
  if (spec.taskType === 'class') {
    if (hidden.language !== 'python') return { syntaxError: 'hidden tests of TypeScript class specs are not scored (no class proxy for JavaScript yet)' };
    // Only the dataset's import lines of the skeleton (trusted), then a proxy for each class the skeleton defines.
    const stub = spec.stub ?? '';
    const imports = pythonImportLines(stub);
    const classes = [...new Set([entry, ...[...stub.matchAll(/^class\s+([A-Za-z_]\w*)/gm)].map((m) => m[1] ?? entry)])];
    return { program: `${imports.join('\n')}\n${pythonClassProxyPrelude(classes)}\n${hidden.program}\n${hidden.runner}\n` };
  }
  if (hidden.language === 'python') {
    // The dataset's own prompt (trusted: it is the benchmark's, not the candidate's) comes first, for helpers the
    // tests use (HumanEval/32 `poly`, /38 `encode_cyclic`); the proxy then replaces the entry point.
    const prompt = spec.stub ?? '';
    return { program: `${prompt}\n\ndef ${entry}(*args):\n    return __zerr_call(args)\n\n${hidden.program}\n${hidden.runner}\n` };
  }
  const syntax = ts.transpileModule(code, { fileName: 'candidate.ts', reportDiagnostics: true, compilerOptions: { target: ts.ScriptTarget.ES2022 } });
  const [first] = syntax.diagnostics ?? [];
  if (first !== undefined) return { syntaxError: ts.flattenDiagnosticMessageText(first.messageText, '\n') };
  const source = `declare const __zerr_call: (args: unknown[]) => any;\nfunction ${entry}(...args: unknown[]): any { return __zerr_call(args); }\n${hidden.program}\n${hidden.runner}\n`;
  const output = ts.transpileModule(source, {
    fileName: 'tests.ts',
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, sourceMap: false },
  });
  const [bad] = output.diagnostics ?? [];
  if (bad !== undefined) return { syntaxError: `the hidden tests do not parse: ${ts.flattenDiagnosticMessageText(bad.messageText, '\n')}` };
  return { program: output.outputText };
}

/** The judge's per-test-class report: `{name: passed}`, names and booleans only. */
function readTestClasses(report: unknown): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  if (report === null || typeof report !== 'object' || Array.isArray(report)) return out;
  for (const [name, passed] of Object.entries(report)) if (typeof passed === 'boolean') out[name] = passed;
  return out;
}

const tail = (text: string): string => (text.length > 2000 ? text.slice(-2000) : text);

/**
 * Runs `code` against `problem.hidden` with the judge apart from the candidate: the candidate is loaded in its own
 * sandboxed process (`CandidateRunner.open`) and only answers calls; the benchmark's test program runs in a second
 * sandboxed process that has never run candidate code (`verify/judge/test-program-harness.ts`), where the entry
 * point is a proxy whose calls the engine relays, so the candidate's results reach the test's own `assert`/`==` as
 * plain data only. TypeScript is transpiled without type-checking (type errors are the caller's business; MultiPL-E
 * counts them as failures); syntax errors fail without running.
 *
 * @returns `{ passed, reason, detail, durationMs }`; never throws for anything the candidate does.
 * A class spec (Python) runs the same way through a class proxy (`judge/class-proxy.ts`): the tests construct and use
 * the class in the judge's process, and every operation on it is performed by a driver in the candidate's process.
 *
 * @throws InvalidArgumentError (`invalid_argument`) for a bad `timeoutMs`.
 * @throws SandboxUnavailableError (`sandbox_unavailable`) from the sandbox when isolation cannot be set up.
 */
export async function scoreOnHiddenTests(options: ScoreOnHiddenTestsOptions): Promise<HiddenTestScore> {
  const checked = OptionsSchema.safeParse({ timeoutMs: options.timeoutMs });
  if (!checked.success) {
    throw new InvalidArgumentError({ parameter: 'options.timeoutMs', value: options.timeoutMs, expected: 'a positive integer (ms)' });
  }
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = started + timeoutMs;
  const prepared = hiddenTestProgram(options.problem, options.code);
  if ('syntaxError' in prepared) return { passed: false, reason: 'syntax-error', detail: prepared.syntaxError, durationMs: 0 };
  let testClasses: Record<string, boolean> | undefined;
  const score = (reason: HiddenTestReason, detail: string): HiddenTestScore => ({
    passed: reason === 'passed', reason, detail: tail(detail), durationMs: performance.now() - started,
    ...(testClasses === undefined ? {} : { testClasses }),
  });
  const { language } = options.problem.hidden;
  const isClass = options.problem.spec.taskType === 'class';
  const runner = new SandboxCandidateRunner({ sandbox: options.sandbox, startupAllowanceMs: timeoutMs });
  const opened = await runner.open({
    language,
    code: isClass ? `${options.code}\n${pythonClassProxyDriver()}` : options.code,
    entryPoint: isClass ? CLASS_PROXY_ENTRY : options.problem.spec.signature.entryPoint,
    perCallTimeoutMs: timeoutMs,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (opened.kind === 'failed') return score(opened.reason === 'timeout' ? 'timeout' : 'failed', `${opened.reason}: ${opened.message}`);
  const node = language === 'typescript';
  const judge = await options.sandbox.start({
    runtime: node ? 'node' : 'python',
    files: { [node ? 'tests.cjs' : 'tests.py']: node ? NODE_TEST_PROGRAM_SOURCE : PYTHON_TEST_PROGRAM_SOURCE },
    entry: node ? 'tests.cjs' : 'tests.py',
    limits: { wallTimeMs: 600_000, cpuTimeSec: 600 },
  });
  const onAbort = (): void => void judge.kill();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    judge.send(JSON.stringify({ program: prepared.program }));
    for (;;) {
      const left = deadline - performance.now();
      if (left <= 0) return score('timeout', `the hidden tests took longer than ${timeoutMs} ms`);
      const line = await judge.nextLine(left);
      options.signal?.throwIfAborted();
      if (line.kind === 'timeout') return score('timeout', `the hidden tests took longer than ${timeoutMs} ms`);
      if (line.kind !== 'line') {
        const end = await judge.kill();
        return score('failed', `the test program ended without a verdict: ${end.stderr}`);
      }
      const message = parseWire(line.text) as { call?: unknown; done?: unknown; detail?: unknown; report?: unknown };
      if (message.report !== undefined) {
        testClasses = readTestClasses(message.report);
        continue;
      }
      if (message.done === 'passed') return score('passed', '');
      if (message.done === 'failed') {
        // The test runner's own report (unittest writes it to stderr) says which test failed and why.
        const { stderr } = await judge.kill();
        const detail = typeof message.detail === 'string' ? message.detail : '';
        return score('failed', stderr.trim() === '' ? detail : `${detail}\n${stderr.slice(-1500)}`);
      }
      if (!Array.isArray(message.call)) return score('failed', 'the test program sent a malformed message');
      const answer = await opened.session.call(JSON.stringify(message.call));
      if (answer.kind === 'failed' && answer.reason === 'timeout') return score('timeout', answer.message);
      judge.send(answer.kind === 'outcome' ? answer.wire : JSON.stringify({ k: 'failed', message: `${answer.reason}: ${answer.message}` }));
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await Promise.all([judge.kill(), opened.session.close()]);
  }
}
