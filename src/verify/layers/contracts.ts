/**
 * @module verify/layers/contracts
 * Layer 3, `contracts`: the spec's preconditions, invariants and postconditions (design by contract, Meyer 1992)
 * checked at run time on the visible test inputs and on generated inputs (`generateInputs`, fixed seed): the
 * candidate's sandboxed process computes the results, the judge (`verify/judge/`, a separate sandboxed process that
 * never runs candidate code) evaluates the expressions over them.
 */
import { z } from 'zod';
import type { CandidateRunner } from '../../sandbox/index.js';
import { expectsThrow, type TaskSpec } from '../../task-spec/task-spec.js';
import { generateInputs } from '../../vote/generate-inputs.js';
import { parseOptions } from '../../errors/parse-options.js';
import type { SandboxJudge } from '../judge/sandbox-judge.js';
import { specCheckPlan } from '../contracts/check-plan.js';
import { describeFailure } from '../contracts/describe-verdict.js';
import { runChecks } from '../contracts/run-checks.js';
import { isCompileError, specExpressionError } from '../contracts/spec-expression-error.js';
import { renderCall, renderValue } from '../render-value.js';
import { isClassSpec } from '../../task-spec/checks/class-spec.js';
import { checkClassContracts, hasClassContracts, renderSequence } from '../contracts/class-contracts.js';
import type { LayerResult, VerificationContext, VerificationLayer } from '../verification-layer.js';

/** Options of {@link ContractsLayer}. */
export interface ContractsLayerOptions {
  readonly runner: CandidateRunner;
  /** The judge that evaluates the spec's expressions apart from the candidate. */
  readonly judge: SandboxJudge;
  /** How many generated inputs to add to the test inputs, integer >= 0. Default 50. */
  readonly generatedInputs?: number;
  /** How many generated call sequences a class's contracts are checked on besides the visible ones, integer >= 0. Default 20. */
  readonly generatedSequences?: number;
  /** fast-check seed of the generated inputs. Default 42. */
  readonly seed?: number;
  /** Budget of the sandbox run, in ms (a candidate that times out on every input stops here). Default 60000. */
  readonly maxRunMs?: number;
}

const OptionsSchema = z
  .object({
    runner: z.custom<CandidateRunner>((r) => typeof (r as CandidateRunner | undefined)?.run === 'function', 'a CandidateRunner'),
    judge: z.custom<SandboxJudge>((j) => typeof (j as SandboxJudge | undefined)?.judge === 'function', 'a SandboxJudge'),
    generatedInputs: z.number().int().min(0).default(50),
    generatedSequences: z.number().int().min(0).default(20),
    seed: z.number().int().default(42),
    maxRunMs: z.number().int().positive().default(60_000),
  })
  .strict();

/**
 * Checks every input: one that breaks a precondition, or an invariant before the call, is skipped (callers
 * guarantee them). Postconditions are evaluated on the inputs as given (the candidate runs on a deep copy, so
 * in-place mutation cannot make them vacuous); invariants after the call on the arguments as the candidate left them.
 * An exception thrown on an input that satisfies the preconditions fails the layer only when the spec has
 * postconditions (they cannot hold without a result); otherwise it is counted in `details.threw`. Visible tests
 * with `expectThrows` are not used as inputs.
 *
 * A class spec's invariants (over its fields) are checked after construction and every step of its visible call
 * sequences and of `generatedSequences` generated ones, and each method's pre- and postconditions around each of its
 * calls, a failing sequence shrunk (`contracts/class-contracts.ts`):
 * `invariant "size <= capacity" does not hold after Stack(1), then push(1), push(2) (size = 2, capacity = 1)`,
 * `postcondition "size == old_size + 1" of push does not hold after Stack(2), then push(1) (size = 2)`.
 *
 * Fails with `postcondition "result >= 0" violated for abs_diff(-3, 5)`, `invariant "..." does not hold after f(...)`,
 * `f(...) timed out after 2000 ms`, or the run failure (also when evaluating an expression on a result takes longer
 * than the call limit). Skipped (not passed) when every input was skipped. Details: `{ inputs, checked, skipped,
 * threw, violation? }`.
 * @throws SpecValidationError (`invalid_spec`) when an expression does not compile: the spec check
 *   (`preflight/`) refuses such a spec first, so this is a defensive error, never a pass or a candidate's failure.
 * @throws InvalidArgumentError (`invalid_argument`) for bad options; SandboxUnavailableError from the runner.
 */
export class ContractsLayer implements VerificationLayer {
  readonly name = 'contracts' as const;
  readonly #options: z.output<typeof OptionsSchema>;

  constructor(options: ContractsLayerOptions) {
    this.#options = parseOptions(OptionsSchema, options);
  }

  appliesTo(spec: TaskSpec): boolean {
    return isClassSpec(spec) ? hasClassContracts(spec) : spec.preconditions.length + spec.postconditions.length + spec.invariants.length > 0;
  }

  async verify(context: VerificationContext): Promise<LayerResult> {
    const started = performance.now();
    const { spec, candidate } = context;
    const done = (status: LayerResult['status'], reason: string, details: unknown): LayerResult => ({
      layer: 'contracts', status, reason, details, durationMs: performance.now() - started,
    });
    if (isClassSpec(spec)) return this.#verifyClass(context, done);
    const plan = specCheckPlan(spec, spec.postconditions.map((expression) => ({ label: `postcondition ${JSON.stringify(expression)}`, expression })), { language: candidate.language });
    const calls = contractInputs(spec, this.#options.generatedInputs, this.#options.seed);
    const run = await runChecks({
      runner: this.#options.runner, judge: this.#options.judge, candidate, plan, spec, calls,
      perCallTimeoutMs: spec.limits.timeoutMs, maxRunMs: this.#options.maxRunMs,
      ...(context.signal ? { signal: context.signal } : {}),
    });
    if (run.kind === 'failed') {
      return done('fail', `the candidate could not run its contract checks (${run.reason}): ${run.message}`, { runFailure: run });
    }
    const skipped = { precondition: 0, invariant: 0 };
    let threw = 0;
    for (const [i, verdict] of run.verdicts.entries()) {
      const args = calls[i] ?? [];
      if (verdict.v === 'skip') skipped[verdict.by] += 1;
      if (verdict.v === 'threw') threw += 1;
      const throwFails = spec.postconditions.length > 0;
      const reason = describeFailure(verdict, plan, renderCall(spec.signature.entryPoint, args), { timeoutMs: spec.limits.timeoutMs, throwFails });
      if (reason === undefined) continue;
      // Defensive: the spec check refuses an expression that does not compile before any sample.
      if (isCompileError(verdict)) throw specExpressionError(verdict, plan, (index) => `postconditions.${index}`);
      const why = verdict.v === 'threw' ? `${reason} (inputs satisfy the preconditions, so the postconditions must hold)` : reason;
      const checked = i + 1 - skipped.precondition - skipped.invariant;
      return done('fail', why, { inputs: calls.length, checked, skipped, threw, violation: { verdict, input: args } });
    }
    const checked = calls.length - skipped.precondition - skipped.invariant;
    const details = { inputs: calls.length, checked, skipped, threw };
    if (checked === 0) return done('skipped', `all ${calls.length} inputs broke a precondition or invariant: nothing was checked`, details);
    return done('pass', `contracts held on ${checked} inputs (${calls.length - checked} skipped by preconditions or invariants)`, details);
  }

  #verifyClass(context: VerificationContext, done: (status: LayerResult['status'], reason: string, details: unknown) => LayerResult): Promise<LayerResult> {
    return verifyClassContracts(this.#options, context, done);
  }
}

/** A class's contracts over its visible and generated call sequences (`class-contracts.ts`). */
async function verifyClassContracts(
  options: z.output<typeof OptionsSchema>,
  context: VerificationContext,
  done: (status: LayerResult['status'], reason: string, details: unknown) => LayerResult,
): Promise<LayerResult> {
  const { spec, candidate } = context;
  const result = await checkClassContracts({
    spec, candidate, runner: options.runner, judge: options.judge, generatedSequences: options.generatedSequences, seed: options.seed,
    maxRunMs: options.maxRunMs, ...(context.signal ? { signal: context.signal } : {}),
  });
  switch (result.kind) {
    case 'failed':
      return done('fail', `the candidate could not run its call sequences for the contracts (${result.reason}): ${result.message}`, { runFailure: result });
    case 'unreadable':
      return done('fail', `the field ${result.field} could not be read as plain data after ${renderSequence(spec, { ...result.sequence, steps: result.sequence.steps.slice(0, result.afterStep) })}: ${result.why}`, result);
    case 'violated': {
      const { violation } = result;
      const state = Object.entries(violation.state).map(([name, value]) => `${name} = ${renderValue(value)}`).join(', ');
      const how = violation.error === undefined ? 'does not hold' : `could not be evaluated (${violation.error})`;
      const after = `after ${renderSequence(spec, violation.sequence)}${state === '' ? '' : ` (${state})`}`;
      if (violation.kind === 'threw') return done('fail', `${violation.method ?? ''} threw ${violation.condition} although its preconditions held, ${after}`, result);
      if (violation.kind === 'precondition') {
        return done('fail', `the last call of the visible ${renderSequence(spec, violation.sequence)}, which the spec expects to return, is outside precondition ${JSON.stringify(violation.condition)} of ${violation.method ?? ''} in the candidate's own state before it (${state})`, result);
      }
      const what = violation.kind === 'invariant' ? `invariant ${JSON.stringify(violation.condition)}` : `postcondition ${JSON.stringify(violation.condition)} of ${violation.method ?? ''}`;
      return done('fail', `${what} ${how} ${after}`, result);
    }
    default: {
      const checked = result.sequences - result.skipped;
      if (checked === 0) return done('skipped', `every one of the ${result.sequences} call sequences' constructions threw: no state was checked`, result);
      const parts = [
        ...(spec.invariants.length > 0 ? [`class invariants held in ${result.states} states`] : []),
        ...(spec.methods.some((m) => m.postconditions.length > 0) ? [`postconditions held on ${result.calls} calls`] : []),
        ...(spec.invariants.length === 0 && spec.methods.every((m) => m.postconditions.length === 0) ? ['preconditions checked'] : []),
      ];
      const notes = [
        ...(result.skipped === 0 ? [] : [`${result.skipped} skipped: the constructor threw`]),
        ...(result.outsideContract === 0 ? [] : [`${result.outsideContract} cut at a call outside its preconditions`]),
      ];
      return done('pass', `${parts.join(', ')} over ${checked} call sequences${notes.length === 0 ? '' : ` (${notes.join('; ')})`}`, result);
    }
  }
}

/** Visible test inputs (not the `expectThrows` ones) followed by generated ones, without duplicates. */
function contractInputs(spec: TaskSpec, count: number, seed: number): unknown[][] {
  const inputs = new Map<string, unknown[]>();
  const add = (args: readonly unknown[]): void => {
    const key = JSON.stringify(args);
    if (!inputs.has(key)) inputs.set(key, [...args]);
  };
  spec.testCases.filter((t) => !expectsThrow(t)).forEach((t) => add(t.inputs));
  if (count > 0) generateInputs({ spec, count, seed }).forEach(add);
  return [...inputs.values()];
}
