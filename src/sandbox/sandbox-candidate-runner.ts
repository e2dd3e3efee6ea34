/**
 * @module sandbox/sandbox-candidate-runner
 * `CandidateRunner` on a `Sandbox`: one sandboxed process per request runs the candidate on every argument tuple
 * through a harness (node or python) and reports a `CallOutcome` per call. TypeScript is transpiled here
 * (`ts.transpileModule`: transpiling is not executing); the code only ever runs inside the sandbox.
 */
import { randomBytes } from 'node:crypto';
import ts from 'typescript';
import { z } from 'zod';
import { InvalidArgumentError } from '../errors/index.js';
import type { CallOutcome, CandidateRunner, CandidateRunRequest, CandidateRunResult } from './candidate-runner.js';
import type { Sandbox, SandboxLimits, SandboxRunResult } from './sandbox.js';
import { SandboxLimitsSchema } from './sandbox-limits.js';
import { decodeTagged, encodeTagged } from './value-encoding.js';
import { NODE_HARNESS_SOURCE } from './harness/node-harness.js';
import { PYTHON_HARNESS_SOURCE } from './harness/python-harness.js';

/** Options of {@link SandboxCandidateRunner}. */
export interface SandboxCandidateRunnerOptions {
  readonly sandbox: Sandbox;
  /** Limits of the sandboxed process; `wallTimeMs` and `cpuTimeSec` default to values derived from the calls. */
  readonly limits?: SandboxLimits;
  /** Time allowed for process start-up and loading on top of the per-call budget, in ms. Default 5000. */
  readonly startupAllowanceMs?: number;
}

const OptionsSchema = z
  .object({
    sandbox: z.custom<Sandbox>((s) => typeof (s as Sandbox | undefined)?.run === 'function', 'a Sandbox'),
    limits: SandboxLimitsSchema.optional(),
    startupAllowanceMs: z.number().int().positive().optional(),
  })
  .strict();

const RequestSchema = z
  .object({
    language: z.enum(['typescript', 'python']),
    code: z.string(),
    entryPoint: z.string().regex(/^[A-Za-z_$][A-Za-z0-9_$]*$/, 'an identifier'),
    calls: z.array(z.array(z.unknown())),
    perCallTimeoutMs: z.number().int().positive().max(600_000),
    repeat: z.number().int().positive().max(1000).optional(),
    signal: z.instanceof(AbortSignal).optional(),
  })
  .strict();

/** Ceiling of the derived whole-run wall-clock limit, in ms. */
const MAX_WALL_TIME_MS = 600_000;

/**
 * Runs candidates as `harness.cjs` (node) or `harness.py` (python) in the sandbox. The harness's result line is
 * marked by a fresh random nonce passed on stdin, so the candidate's own prints cannot be mistaken for results.
 *
 * Whole-run wall clock: `startupAllowanceMs + (calls * repeat + 1) * (perCallTimeoutMs + 50)` (repeat default 1),
 * at most 600 s; CPU rlimit the same, rounded up to seconds.
 *
 * @throws InvalidArgumentError (`invalid_argument`) for bad options or requests.
 * @throws SandboxUnavailableError (`sandbox_unavailable`) from the sandbox.
 */
export class SandboxCandidateRunner implements CandidateRunner {
  readonly #options: SandboxCandidateRunnerOptions;

  /** @param options The options, or just the sandbox (all other options at their defaults). */
  constructor(options: SandboxCandidateRunnerOptions | Sandbox) {
    const resolved = isSandbox(options) ? { sandbox: options } : options;
    check(OptionsSchema, resolved, 'options');
    this.#options = resolved;
  }

  async run(request: CandidateRunRequest): Promise<CandidateRunResult> {
    check(RequestSchema, request, 'request');
    const started = performance.now();
    const nonce = `@@zerr-result-${randomBytes(16).toString('hex')}@@`;
    const code = request.language === 'typescript' ? transpileCandidate(request.code) : request.code;
    const input = JSON.stringify({
      code,
      entryPoint: request.entryPoint,
      calls: request.calls.map((args) => encodeTagged(args)),
      perCallTimeoutMs: request.perCallTimeoutMs,
      ...(request.repeat !== undefined ? { repeat: request.repeat } : {}),
    });
    const wallTimeMs = Math.min(
      MAX_WALL_TIME_MS,
      (this.#options.startupAllowanceMs ?? 5000) +
        (request.calls.length * (request.repeat ?? 1) + 1) * (request.perCallTimeoutMs + 50),
    );
    const node = request.language === 'typescript';
    const result = await this.#options.sandbox.run({
      runtime: node ? 'node' : 'python',
      files: { [node ? 'harness.cjs' : 'harness.py']: node ? NODE_HARNESS_SOURCE : PYTHON_HARNESS_SOURCE, 'input.json': input },
      entry: node ? 'harness.cjs' : 'harness.py',
      args: ['input.json'],
      stdin: `${nonce}\n`,
      limits: { wallTimeMs, cpuTimeSec: Math.ceil(wallTimeMs / 1000), ...this.#options.limits },
      ...(request.signal ? { signal: request.signal } : {}),
    });
    return interpret(result, nonce, request.calls.length, performance.now() - started, request.repeat !== undefined);
  }
}

/** Transpiles TypeScript to a CommonJS-flavoured script (ES2022) the harness can evaluate in a vm context. */
export function transpileCandidate(code: string): string {
  return ts.transpileModule(code, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, removeComments: false },
    reportDiagnostics: false,
    fileName: 'candidate.ts',
  }).outputText;
}

/** Turns the sandbox result into a `CandidateRunResult` (exported for tests). */
export function interpret(
  result: SandboxRunResult,
  nonce: string,
  callCount: number,
  durationMs: number,
  withTimes = false,
): CandidateRunResult {
  const failed = (reason: 'load-error' | 'crashed' | 'timeout' | 'output-limit', message: string): CandidateRunResult => ({
    kind: 'failed',
    reason,
    message,
    durationMs,
  });
  if (result.timedOut) return failed('timeout', `the run went over its wall-clock limit (${Math.round(result.durationMs)} ms)`);
  if (result.outputTruncated) return failed('output-limit', 'the candidate wrote more output than allowed');
  const lines = result.stdout.split('\n').filter((line) => line.startsWith(nonce));
  if (lines.length !== 1) {
    const why = lines.length === 0 ? 'no result' : `${lines.length} result lines (forged?)`;
    const status = result.signal !== null ? `signal ${result.signal}` : `exit code ${String(result.exitCode)}`;
    return failed('crashed', `the candidate process ended with ${status} and ${why}: ${tail(result.stderr)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse((lines[0] ?? '').slice(nonce.length));
  } catch {
    return failed('crashed', 'the harness result line is not valid JSON');
  }
  const line = parsed as { kind?: unknown; outcomes?: unknown; errorType?: unknown; message?: unknown };
  if (line.kind === 'load-error') return failed('load-error', `${String(line.errorType)}: ${String(line.message)}`);
  if (line.kind !== 'ran' || !Array.isArray(line.outcomes) || line.outcomes.length !== callCount) {
    return failed('crashed', 'the harness result line has an unexpected shape');
  }
  const outcomes = line.outcomes.map((o: { kind?: unknown; value?: unknown; errorType?: unknown; message?: unknown }): CallOutcome => {
    if (o.kind === 'value') return { kind: 'value', value: decodeTagged(o.value) };
    if (o.kind === 'timeout') return { kind: 'timeout' };
    return { kind: 'error', errorType: String(o.errorType), message: String(o.message) };
  });
  if (!withTimes) return { kind: 'ran', outcomes, durationMs };
  const callTimesMs = line.outcomes.map((o: { timesMs?: unknown }) =>
    Array.isArray(o.timesMs) ? o.timesMs.filter((t): t is number => typeof t === 'number' && Number.isFinite(t) && t >= 0) : [],
  );
  return { kind: 'ran', outcomes, durationMs, callTimesMs };
}

function isSandbox(value: SandboxCandidateRunnerOptions | Sandbox): value is Sandbox {
  return typeof (value as Partial<Sandbox>).run === 'function' && typeof (value as Partial<Sandbox>).kind === 'string';
}

function tail(text: string): string {
  const trimmed = text.trim();
  return trimmed === '' ? '(no stderr)' : trimmed.slice(-500);
}

function check(schema: z.ZodType, value: unknown, name: string): void {
  const parsed = schema.safeParse(value);
  if (parsed.success) return;
  const issue = parsed.error.issues[0];
  const path = issue?.path.map(String) ?? [];
  let found: unknown = value;
  for (const key of path) found = (found as Record<string, unknown> | undefined)?.[key];
  throw new InvalidArgumentError({
    parameter: [name, ...path].join('.'),
    value: found,
    expected: issue?.message ?? 'a valid value',
  });
}
