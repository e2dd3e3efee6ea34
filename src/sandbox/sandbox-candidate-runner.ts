/**
 * @module sandbox/sandbox-candidate-runner
 * `CandidateRunner` on a `Sandbox`: one sandboxed process per request runs the candidate on every argument tuple
 * through a harness (node or python) and reports a `CallOutcome` per call. TypeScript is transpiled here
 * (`ts.transpileModule`: transpiling is not executing); the code only ever runs inside the sandbox.
 */
import { ts } from '../task-spec/typescript-api.js';
import { z } from 'zod';
import { IdentifierSchema, type Language } from '../task-spec/task-spec.js';
import { InvalidArgumentError } from '../errors/index.js';
import type {
  CallOutcome,
  CandidateFailureReason,
  CandidateRunner,
  CandidateRunRequest,
  CandidateRunResult,
  SessionCallResult,
  SessionOpenResult,
} from './candidate-runner.js';
import type { Sandbox, SandboxLimits, SandboxProcess, SandboxProcessEnd, SandboxStartRequest } from './sandbox.js';
import { SandboxLimitsSchema } from './sandbox-limits.js';
import { decodeTagged, parseWire } from './value-encoding.js';
import { encodeArgumentsByType } from './typed-encoding.js';
import type { TypeRef } from '../task-spec/type-ref-model.js';
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

const TypeRefLike = z.custom<TypeRef | undefined>((t) => t === undefined || (typeof t === 'object' && t !== null && 'kind' in t), 'a TypeRef');

const RequestSchema = z
  .object({
    language: z.enum(['typescript', 'python']),
    code: z.string(),
    entryPoint: IdentifierSchema,
    calls: z.array(z.array(z.unknown())),
    argumentTypes: z.array(TypeRefLike).optional(),
    callArgumentTypes: z.array(z.array(TypeRefLike)).optional(),
    perCallTimeoutMs: z.number().int().positive().max(600_000),
    repeat: z.number().int().positive().max(1000).optional(),
    returnArguments: z.boolean().optional(),
    signal: z.instanceof(AbortSignal).optional(),
  })
  .strict();

/** Ceiling of the derived whole-run wall-clock limit, in ms. */
const MAX_WALL_TIME_MS = 600_000;

/** Ceiling of a pre-started process's own wall clock, in ms (the runner enforces each request's budget itself). */
const PROCESS_WALL_TIME_MS = 600_000;

/**
 * Host allowance over the per-call limit, in ms: the harness stops a call itself at `perCallTimeoutMs`; a harness
 * that has not answered this long after that is stuck (e.g. a candidate that ignores the timer signal) and is killed.
 */
const HOST_GRACE_MS = 1000;

/** Settings of one harness process, shared by `run` and `open`. */
interface Started {
  readonly process: SandboxProcess;
  /** Host `performance.now()` deadline of the whole request. */
  readonly deadline: number;
}

/**
 * Runs candidates as `harness.cjs` (node) or `harness.py` (python) in sandboxed processes started by
 * `Sandbox.start` (pre-started where the sandbox keeps spares), one process per request, never reused. The harness
 * only computes: each call's outcome comes back as a line of tagged JSON, read with size and depth caps
 * (`parseWire`, `decodeTagged`), and each call is timed by the host (the wall time of the exchange), outside the
 * candidate's reach. Nothing in an outcome is trusted beyond plain data; verdicts are the caller's.
 *
 * With `repeat`, the repetitions go round by round over all calls (all calls once, then all again), so a stall of
 * the machine inflates at most one repetition of each call; a call stops repeating at its first non-value outcome.
 *
 * Whole-request wall clock: `startupAllowanceMs + (calls * repeat + 1) * (perCallTimeoutMs + 50)` (repeat default
 * 1), at most 600 s; a call with no answer `perCallTimeoutMs + 1000` ms after it was sent ends the request as
 * `timeout` (the harness is stuck).
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
    const startedAt = performance.now();
    const repeat = request.repeat ?? 1;
    const budgetMs = Math.min(
      MAX_WALL_TIME_MS,
      (this.#options.startupAllowanceMs ?? 5000) + (request.calls.length * repeat + 1) * (request.perCallTimeoutMs + 50),
    );
    const opened = await this.#load(request, startedAt + budgetMs);
    const failed = (reason: CandidateFailureReason, message: string): CandidateRunResult => ({
      kind: 'failed', reason, message, durationMs: performance.now() - startedAt,
    });
    if (opened.kind === 'failed') return failed(opened.reason, opened.message);
    const { started } = opened;
    try {
      // Repetitions go round by round over all calls (call 1, call 2, ..., then again), so that one pause of the
      // machine (another process, a collector) costs at most one repetition of each call, never all of one call's.
      const argsWires = request.calls.map((args, call) => {
        return JSON.stringify(encodeArgumentsByType(args, request.callArgumentTypes?.[call] ?? request.argumentTypes, request.language));
      });
      const firsts: { outcome: CallOutcome; wire: string }[] = [];
      const callTimesMs: number[][] = argsWires.map(() => []);
      const stopped = new Set<number>(); // calls whose last repetition did not return a value: not repeated again
      let index = 0;
      for (let r = 0; r < repeat; r++) {
        for (const [call, argsWire] of argsWires.entries()) {
          if (stopped.has(call)) continue;
          const answer = await exchange(started, index++, argsWire, request);
          if (answer.kind === 'failed') return failed(answer.reason, answer.message);
          callTimesMs[call]?.push(answer.durationMs);
          if (r === 0) firsts.push(answer);
          if (answer.outcome.kind !== 'value') stopped.add(call);
        }
      }
      if (firsts.length !== argsWires.length) return failed('crashed', 'no outcome');
      const outcomes = firsts.map((first) => first.outcome);
      const wire = firsts.map((first) => first.wire);
      const durationMs = performance.now() - startedAt;
      return request.repeat === undefined ? { kind: 'ran', outcomes, durationMs, wire } : { kind: 'ran', outcomes, durationMs, wire, callTimesMs };
    } finally {
      // Killed now; its end and clean-up are not awaited here (the sandbox's close() waits for them).
      void started.process.kill();
    }
  }

  /**
   * Loads the candidate in a sandboxed process for calls made one at a time (hidden-test scoring relays the test
   * program's calls through it). The session's whole life is bounded by `startupAllowanceMs` plus 600 s.
   */
  async open(request: Omit<CandidateRunRequest, 'calls' | 'repeat'>): Promise<SessionOpenResult> {
    check(RequestSchema, { ...request, calls: [] }, 'request');
    const startedAt = performance.now();
    const opened = await this.#load(request, startedAt + MAX_WALL_TIME_MS);
    if (opened.kind === 'failed') return opened;
    const { started } = opened;
    let index = 0;
    let closed = false;
    return {
      kind: 'ready',
      session: {
        call: async (argsWire: string): Promise<SessionCallResult> => {
          if (closed) return { kind: 'failed', reason: 'crashed', message: 'the session is closed' };
          const answer = await exchange(started, index++, argsWire, request);
          if (answer.kind === 'failed') {
            closed = true;
            await started.process.kill();
          }
          return answer;
        },
        close: async () => {
          closed = true;
          await started.process.kill();
        },
      },
    };
  }

  /**
   * Launches a harness process for `language` now, where the sandbox keeps started processes (`Sandbox.prestart`), so
   * that the next run finds one started: for a caller with other work to do first (loading modules, a spec check).
   */
  prestart(language: Language): void {
    this.#options.sandbox.prestart?.(this.#startRequest(language));
  }

  /** The sandbox start request of a harness for `language` (the same for every candidate: the code comes later). */
  #startRequest(language: Language): SandboxStartRequest {
    const node = language === 'typescript';
    return {
      runtime: node ? 'node' : 'python',
      files: { [node ? 'harness.cjs' : 'harness.py']: node ? NODE_HARNESS_SOURCE : PYTHON_HARNESS_SOURCE },
      entry: node ? 'harness.cjs' : 'harness.py',
      limits: { wallTimeMs: PROCESS_WALL_TIME_MS, cpuTimeSec: PROCESS_WALL_TIME_MS / 1000, ...this.#options.limits },
    };
  }

  /** Starts a harness process and loads the candidate: the process, or why it failed (the process then killed). */
  async #load(
    request: Omit<CandidateRunRequest, 'calls' | 'repeat'>,
    deadline: number,
  ): Promise<{ kind: 'ready'; started: Started } | { kind: 'failed'; reason: CandidateFailureReason; message: string }> {
    request.signal?.throwIfAborted();
    const node = request.language === 'typescript';
    const code = node ? transpileCandidate(request.code) : request.code;
    const process = await this.#options.sandbox.start(this.#startRequest(request.language));
    const started: Started = { process, deadline };
    const onAbort = (): void => void process.kill();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    void process.ended.finally(() => request.signal?.removeEventListener('abort', onAbort));
    process.send(JSON.stringify({
      code,
      entryPoint: request.entryPoint,
      perCallTimeoutMs: request.perCallTimeoutMs,
      returnArguments: request.returnArguments === true,
    }));
    const loadBudget = (this.#options.startupAllowanceMs ?? 5000) + request.perCallTimeoutMs + HOST_GRACE_MS;
    const line = await process.nextLine(Math.min(loadBudget, deadline - performance.now()));
    const fail = async (reason: CandidateFailureReason, message: string) => {
      const end = await process.kill();
      request.signal?.throwIfAborted();
      return { kind: 'failed' as const, reason, message: reason === 'crashed' ? `${message}${describeEnd(end)}` : message };
    };
    if (line.kind === 'timeout') return fail('timeout', `loading the candidate went over its wall-clock limit (${Math.round(loadBudget)} ms)`);
    if (line.kind === 'overflow') return fail('output-limit', 'the candidate wrote more output than allowed');
    if (line.kind === 'eof') return fail('crashed', 'the candidate process ended before it was loaded');
    const answer = readLine(line.text);
    if (answer?.['k'] === 'ready') return { kind: 'ready', started };
    if (answer?.['k'] === 'load-error') {
      await process.kill();
      return { kind: 'failed', reason: 'load-error', message: `${text(answer['errorType'])}: ${text(answer['message'])}` };
    }
    return fail('crashed', 'the harness sent a malformed load answer');
  }
}

/** One call over the protocol: send `{"i","args"}`, read the matching outcome line, time it on the host. */
async function exchange(
  started: Started,
  index: number,
  argsWire: string,
  request: { readonly perCallTimeoutMs: number; readonly signal?: AbortSignal },
): Promise<SessionCallResult> {
  const { process } = started;
  const left = started.deadline - performance.now();
  const fail = async (reason: CandidateFailureReason, message: string): Promise<SessionCallResult> => {
    const end = await process.kill();
    request.signal?.throwIfAborted();
    return { kind: 'failed', reason, message: reason === 'crashed' ? `${message}${describeEnd(end)}` : message };
  };
  if (left <= 0) return fail('timeout', 'the run went over its wall-clock limit');
  const sentAt = performance.now();
  process.send(`{"i":${index},"args":${argsWire}}`);
  const line = await process.nextLine(Math.min(left, request.perCallTimeoutMs + HOST_GRACE_MS));
  if (line.kind === 'timeout') {
    return fail('timeout', left <= request.perCallTimeoutMs + HOST_GRACE_MS
      ? `the run went over its wall-clock limit (${Math.round(performance.now() - sentAt)} ms into a call)`
      : `the candidate did not answer within ${request.perCallTimeoutMs + HOST_GRACE_MS} ms of a call (the per-call timer was defeated)`);
  }
  if (line.kind === 'overflow') return fail('output-limit', 'the candidate wrote more output than allowed');
  if (line.kind === 'eof') return fail('crashed', 'the candidate process ended during a call');
  const answer = readLine(line.text);
  const outcome = answer === undefined || answer['i'] !== index ? undefined : toOutcome(answer);
  if (outcome === undefined) return fail('crashed', 'the harness sent a malformed or out-of-order outcome');
  return { kind: 'outcome', outcome, wire: line.text, durationMs: line.atMs - sentAt };
}

/** Parses one protocol line (size and depth capped); undefined when it is not a JSON object. */
function readLine(text: string): Record<string, unknown> | undefined {
  try {
    const parsed = parseWire(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The outcome in a parsed outcome line, or undefined when malformed. */
function toOutcome(answer: Record<string, unknown>): CallOutcome | undefined {
  try {
    switch (answer['k']) {
      case 'value': {
        if (!Object.hasOwn(answer, 'v')) return undefined;
        const value = decodeTagged(answer['v']);
        if (!Object.hasOwn(answer, 'a')) return { kind: 'value', value };
        const after = decodeTagged(answer['a']);
        return Array.isArray(after) ? { kind: 'value', value, argumentsAfter: after } : undefined;
      }
      case 'error':
        return { kind: 'error', errorType: text(answer['errorType']) || 'Error', message: text(answer['message']) };
      case 'timeout':
        return { kind: 'timeout' };
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, 500) : '';
}

function describeEnd(end: SandboxProcessEnd): string {
  const exitSignal = end.exitCode !== null && end.exitCode > 128 && end.exitCode <= 192 ? `signal ${end.exitCode - 128}` : undefined;
  const status = end.signal !== null ? `signal ${end.signal}` : (exitSignal ?? `exit code ${String(end.exitCode)}`);
  return ` (${status}): ${tail(end.stderr)}`;
}

/** Transpiles TypeScript to a CommonJS-flavoured script (ES2022) the harness can evaluate in a vm context. */
export function transpileCandidate(code: string): string {
  return ts.transpileModule(code, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, removeComments: false },
    reportDiagnostics: false,
    fileName: 'candidate.ts',
  }).outputText;
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
