/**
 * @module verify/layers/unit-tests
 * Layer 4, `unit-tests`: the spec's visible test cases, run in one sandboxed process through the `CandidateRunner`
 * and compared by the engine (never in the candidate's process) with {@link valuesEqual} by the declared output type:
 * integers exactly, floats within the spec's `floatTolerance` (or the test's `tolerance`), structures structurally,
 * or by the test's comparator (`compare`: unordered, set, partial; default the output's). An expected exception is
 * checked by its class name and an RE2 message pattern (`throws`).
 */
import type { CallOutcome, CandidateRunner } from '../../sandbox/index.js';
import { expectsThrow, type TaskSpec, type TestCase } from '../../task-spec/task-spec.js';
import type { LayerResult, VerificationContext, VerificationLayer } from '../verification-layer.js';
import { renderCall, renderValue } from '../render-value.js';
import { valuesEqual } from '../values-equal.js';
import { parseTypeRef } from '../../task-spec/type-ref.js';
import { messageMatches } from '../../task-spec/message-pattern.js';

/** Outcome of one test case, in `details.tests` (index is 1-based, as in reasons). */
export interface TestCaseOutcome {
  readonly index: number;
  readonly passed: boolean;
  readonly outcome: CallOutcome;
  /** Why it failed, e.g. `has_close_elements([1,2], 0.5) returned true, expected false`. */
  readonly message?: string;
}

/**
 * Fails with the first failing test: `test 2: has_close_elements([1,2], 0.5) returned true, expected false`
 * (tests numbered from 1), or with the run failure (`load-error`, `crashed`, `timeout`, `output-limit`).
 * Details: `{ tests: TestCaseOutcome[], passed, total }` or `{ runFailure }`.
 * @throws SandboxUnavailableError (`sandbox_unavailable`) when the sandbox cannot run.
 */
export class UnitTestsLayer implements VerificationLayer {
  readonly name = 'unit-tests' as const;
  readonly #runner: CandidateRunner;

  constructor(options: { readonly runner: CandidateRunner }) {
    this.#runner = options.runner;
  }

  appliesTo(spec: TaskSpec): boolean {
    return spec.testCases.length > 0;
  }

  async verify(context: VerificationContext): Promise<LayerResult> {
    const started = performance.now();
    const { spec, candidate } = context;
    const done = (status: 'pass' | 'fail', reason: string, details: unknown): LayerResult => ({
      layer: 'unit-tests',
      status,
      reason,
      details,
      durationMs: performance.now() - started,
    });
    const run = await this.#runner.run({
      language: candidate.language,
      code: candidate.code,
      entryPoint: spec.signature.entryPoint,
      calls: spec.testCases.map((t) => t.inputs),
      perCallTimeoutMs: spec.limits.timeoutMs,
      ...(context.signal ? { signal: context.signal } : {}),
    });
    if (run.kind === 'failed') {
      return done('fail', `the candidate could not run its tests (${run.reason}): ${run.message}`, { runFailure: run });
    }
    const tests = spec.testCases.map((test, i) =>
      judge(test, i + 1, run.outcomes[i] ?? { kind: 'error', errorType: 'Missing', message: 'no outcome' }, spec),
    );
    const passed = tests.filter((t) => t.passed).length;
    const details = { tests, passed, total: tests.length };
    const failure = tests.find((t) => !t.passed);
    if (failure) return done('fail', `test ${failure.index}: ${failure.message ?? 'failed'}`, details);
    return done('pass', `all ${tests.length} tests passed`, details);
  }
}

function judge(test: TestCase, index: number, outcome: CallOutcome, spec: TaskSpec): TestCaseOutcome {
  const call = renderCall(spec.signature.entryPoint, test.inputs);
  const fail = (message: string): TestCaseOutcome => ({ index, passed: false, outcome, message: `${call} ${message}` });
  if (outcome.kind === 'timeout') return fail(`timed out after ${spec.limits.timeoutMs} ms`);
  if (expectsThrow(test)) {
    const wanted = describeThrows(test.throws);
    if (outcome.kind !== 'error') return fail(`returned ${renderValue(outcome.value)}, expected it to throw${wanted}`);
    const { type, message } = test.throws ?? {};
    const thrown = `threw ${outcome.errorType}: ${outcome.message.slice(0, 200)}`;
    if (type !== undefined && outcome.errorType !== type) return fail(`${thrown}, expected it to throw${wanted}`);
    // RE2, linear time: the candidate writes the message. Checked to compile by spec check; a bad one fails the test.
    if (message !== undefined && !messageMatches(message, outcome.message)) return fail(`${thrown}, expected it to throw${wanted}`);
    return { index, passed: true, outcome };
  }
  if (outcome.kind === 'error') return fail(`threw ${outcome.errorType}: ${outcome.message.slice(0, 200)}`);
  const compare = test.compare ?? spec.signature.output.compare ?? 'exact';
  const tolerance = test.tolerance ?? spec.floatTolerance;
  const options = { type: parseTypeRef(spec.language, spec.signature.output.type), compare, ...(tolerance ? { tolerance } : {}) };
  if (test.expected === undefined || valuesEqual(outcome.value, test.expected, options)) return { index, passed: true, outcome };
  const how = compare === 'exact' ? '' : ` (compared ${compare === 'set' ? 'as a set' : compare === 'unordered' ? 'in any order' : 'as a partial pattern'})`;
  return fail(`returned ${renderValue(outcome.value)}, expected ${renderValue(test.expected)}${how}`);
}

/** ` RangeError with a message matching /too big/`, or nothing for any exception. */
function describeThrows(throws: TestCase['throws']): string {
  if (throws === undefined || (throws.type === undefined && throws.message === undefined)) return '';
  const type = throws.type === undefined ? ' an exception' : ` ${throws.type}`;
  return `${type}${throws.message === undefined ? '' : ` with a message matching /${throws.message}/`}`;
}
