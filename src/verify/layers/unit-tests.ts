/**
 * @module verify/layers/unit-tests
 * Layer 4, `unit-tests`: the spec's visible test cases, run in one sandboxed process through the `CandidateRunner`
 * and compared by the engine (never in the candidate's process) with {@link valuesEqual} by the declared output type:
 * integers exactly, floats within the spec's `floatTolerance` (or the test's `tolerance`), structures structurally,
 * or by the test's comparator (`compare`: unordered, set, partial; default the output's). An expected exception is
 * checked by its class name and an RE2 message pattern (`throws`). A class spec's tests are its call sequences,
 * each run through the sequence driver (`verify/class-sequences.ts`) and checked step by step the same way.
 */
import type { CallOutcome, CandidateRunner } from '../../sandbox/index.js';
import { expectsThrow, type Comparator, type TaskSpec, type TestCase } from '../../task-spec/task-spec.js';
import type { TypeRef } from '../../task-spec/type-ref-model.js';
import { ANY } from '../../task-spec/type-ref-model.js';
import { hasMembers, isClassName } from '../../task-spec/checks/class-spec.js';
import { readSequenceOutcome, renderStep, runSequences, sequenceTimeoutMs, type StepOutcome } from '../class-sequences.js';
import type { LayerResult, VerificationContext, VerificationLayer } from '../verification-layer.js';
import { renderCall, renderValue } from '../render-value.js';
import { valuesEqual } from '../values-equal.js';
import { parseTypeRef, signatureInputTypes } from '../../task-spec/type-ref.js';
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
    return spec.testCases.length > 0 || (hasMembers(spec) && spec.sequences.length > 0);
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
    if (hasMembers(spec)) return this.#verifySequences(context, done);
    const run = await this.#runner.run({
      language: candidate.language,
      code: candidate.code,
      entryPoint: spec.signature.entryPoint,
      calls: spec.testCases.map((t) => t.inputs),
      argumentTypes: signatureInputTypes(spec),
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

  /**
   * A class spec's call sequences, each in one call of the sequence driver (`verify/class-sequences.ts`) appended to
   * the candidate, all in one sandboxed process. Fails with the first failing step: `sequence 1, step 2:
   * withdraw(500) returned 100, expected it to throw ValueError`. Details: `{ sequences: SequenceResult[], passed, total }`.
   */
  async #verifySequences(context: VerificationContext, done: (status: 'pass' | 'fail', reason: string, details: unknown) => LayerResult): Promise<LayerResult> {
    const { spec, candidate } = context;
    const run = await runSequences({ runner: this.#runner, spec, code: candidate.code, sequences: spec.sequences, language: candidate.language, signal: context.signal });
    if (run.kind === 'failed') {
      return done('fail', `the candidate could not run its call sequences (${run.reason}): ${run.message}`, { runFailure: run });
    }
    const sequences = spec.sequences.map((sequence, i) => judgeSequence(spec, i, run.outcomes[i] ?? { kind: 'error', errorType: 'Missing', message: 'no outcome' }));
    const steps = sequences.reduce((sum, each) => sum + each.steps, 0);
    const passed = sequences.filter((each) => each.passed).length;
    const details = { sequences, passed, total: sequences.length };
    const failure = sequences.find((each) => !each.passed);
    if (failure) return done('fail', failure.message ?? `sequence ${failure.index} failed`, details);
    return done('pass', `all ${sequences.length} call sequence${sequences.length === 1 ? '' : 's'} passed (${steps} steps)`, details);
  }
}

/** Outcome of one call sequence, in `details.sequences` (index 1-based, as in reasons). */
export interface SequenceResult {
  readonly index: number;
  readonly passed: boolean;
  /** Steps in the sequence. */
  readonly steps: number;
  /** Each step's outcome, when the sequence ran. */
  readonly outcomes?: readonly StepOutcome[];
  /** The first failure, e.g. `sequence 1, step 2: withdraw(500) returned 100, expected it to throw ValueError`. */
  readonly message?: string;
}

/**
 * Judges the driver's answer `outcome` for the visible sequence at `position` (0-based) of `spec`: every step against
 * its expectation, by the declared types. Never throws; a missing sequence or a malformed answer fails.
 */
export function judgeSequence(spec: TaskSpec, position: number, outcome: CallOutcome): SequenceResult {
  const sequence = spec.sequences[position];
  const index = position + 1;
  if (sequence === undefined) return { index, passed: false, steps: 0, message: `sequence ${index}: missing` };
  const construct = renderCall(spec.signature.entryPoint, sequence.construct);
  const base = { index, steps: sequence.steps.length };
  const read = readSequenceOutcome(outcome, sequence.steps.length);
  if (read.kind === 'timeout') return { ...base, passed: false, message: `sequence ${index}: timed out after ${sequenceTimeoutMs(spec)} ms (${sequence.steps.length} steps)` };
  if (read.kind === 'malformed') return { ...base, passed: false, message: `sequence ${index}: ${read.message}` };
  if (read.kind === 'constructor-error') return { ...base, passed: false, message: `sequence ${index}: ${construct} threw ${read.errorType}: ${read.message.slice(0, 200)}` };
  for (const [stepIndex, step] of sequence.steps.entries()) {
    const got = read.steps[stepIndex];
    const label = `sequence ${index}, step ${stepIndex + 1}: ${renderStep(step, renderCall, renderValue)}`;
    if (got === undefined) return { ...base, passed: false, outcomes: read.steps, message: `${label} has no outcome` };
    const method = step.call === undefined ? undefined : spec.methods.find((m) => m.name === step.call);
    const typeText = (method?.output ?? spec.fields.find((f) => f.name === step.field))?.type ?? 'any';
    const type = isClassName(typeText, spec.signature.entryPoint) ? ANY : parseTypeRef(spec.language, typeText);
    let problem: string | undefined;
    if (got.kind === 'self' || got.kind === 'object') {
      const what = got.kind === 'self' ? 'the instance itself' : `an instance of ${got.typeName}`;
      problem = expectsThrow(step) ? `returned ${what}, expected it to throw${describeThrows(step.throws)}` : step.expected === undefined ? undefined : `returned ${what}, expected ${renderValue(step.expected)}`;
    } else {
      problem = mismatch(step, got, spec, type, method?.output.compare);
    }
    if (problem !== undefined) return { ...base, passed: false, outcomes: read.steps, message: `${label} ${problem}` };
  }
  return { ...base, passed: true, outcomes: read.steps };
}

/** What a call must give: a test case's or a step's expectation. */
type Expectation = Pick<TestCase, 'expected' | 'expectThrows' | 'throws' | 'compare' | 'tolerance'>;

/**
 * Why `outcome` does not meet `expectation` (`returned 3, expected 4`), or undefined when it does. `outputType` is
 * the declared type the value is compared by; `defaultCompare` the comparator when the expectation names none.
 */
function mismatch(expectation: Expectation, outcome: CallOutcome, spec: TaskSpec, outputType: TypeRef, defaultCompare: Comparator | undefined): string | undefined {
  if (outcome.kind === 'timeout') return `timed out after ${spec.limits.timeoutMs} ms`;
  if (expectsThrow(expectation)) {
    const wanted = describeThrows(expectation.throws);
    if (outcome.kind !== 'error') return `returned ${renderValue(outcome.value)}, expected it to throw${wanted}`;
    const { type, message } = expectation.throws ?? {};
    const thrown = `threw ${outcome.errorType}: ${outcome.message.slice(0, 200)}`;
    if (type !== undefined && outcome.errorType !== type) return `${thrown}, expected it to throw${wanted}`;
    // RE2, linear time: the candidate writes the message. Checked to compile by spec check; a bad one fails the test.
    if (message !== undefined && !messageMatches(message, outcome.message)) return `${thrown}, expected it to throw${wanted}`;
    return undefined;
  }
  if (outcome.kind === 'error') return `threw ${outcome.errorType}: ${outcome.message.slice(0, 200)}`;
  const compare = expectation.compare ?? defaultCompare ?? 'exact';
  const tolerance = expectation.tolerance ?? spec.floatTolerance;
  const options = { type: outputType, compare, ...(tolerance ? { tolerance } : {}) };
  if (expectation.expected === undefined || valuesEqual(outcome.value, expectation.expected, options)) return undefined;
  const how = compare === 'exact' ? '' : ` (compared ${compare === 'set' ? 'as a set' : compare === 'unordered' ? 'in any order' : 'as a partial pattern'})`;
  return `returned ${renderValue(outcome.value)}, expected ${renderValue(expectation.expected)}${how}`;
}

function judge(test: TestCase, index: number, outcome: CallOutcome, spec: TaskSpec): TestCaseOutcome {
  const call = renderCall(spec.signature.entryPoint, test.inputs);
  const problem = mismatch(test, outcome, spec, parseTypeRef(spec.language, spec.signature.output.type), spec.signature.output.compare);
  return problem === undefined ? { index, passed: true, outcome } : { index, passed: false, outcome, message: `${call} ${problem}` };
}

/** ` RangeError with a message matching /too big/`, or nothing for any exception. */
function describeThrows(throws: TestCase['throws']): string {
  if (throws === undefined || (throws.type === undefined && throws.message === undefined)) return '';
  const type = throws.type === undefined ? ' an exception' : ` ${throws.type}`;
  return `${type}${throws.message === undefined ? '' : ` with a message matching /${throws.message}/`}`;
}
