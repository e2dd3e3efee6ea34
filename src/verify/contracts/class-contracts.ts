/**
 * @module verify/contracts/class-contracts
 * A class spec's contracts checked on its call sequences: its invariants (expressions over its declared fields,
 * `0 <= size <= capacity`) after construction and after every step, and each method's own contract (design by
 * contract, Meyer 1992): its preconditions over the arguments and the fields before the call, its postconditions over
 * the arguments, `result`, the fields after the call and before it (`old_<field>`). The sequences are the visible ones
 * and ones generated from the methods' typed signatures (`verify/generated-sequences.ts`, seeded), as a model-based
 * test runs random command sequences against a system (fast-check's `commands`: a command whose precondition fails
 * on the current state is not part of the run; here the contract is the model's check). A step whose preconditions
 * do not hold ends what is checked of its sequence (what follows is outside the contract), except in a visible
 * sequence, where a call the spec expects to return is legal use by definition: there the candidate's own state
 * putting it outside the preconditions is a violation (else a class could report a state that makes every call
 * "outside the contract", and pass unchecked; decision 021). A sequence that breaks a
 * condition is shrunk to a shortest form that still breaks one (steps dropped one at a time from the end while it
 * still fails), so the reason shows a small counterexample.
 *
 * Who computes what: the candidate's sandboxed process runs each sequence through the sequence driver, with a read
 * of every field a condition names after construction and after each step, and returns the values and each step's
 * result as plain data; the judge (a separate sandboxed process that never runs candidate code) evaluates every
 * condition over those values, as it evaluates a function's over its arguments (`stateSpec` and
 * `methodContractSpecs`: fields and parameters as a function's parameters). No expression of the spec runs in the
 * candidate's process.
 */
import type { CandidateRunner } from '../../sandbox/index.js';
import { methodContractSpecs, OLD_FIELD_PREFIX, stateSpec } from '../../task-spec/checks/class-spec.js';
import type { CallSequence, SequenceStep, TaskSpec } from '../../task-spec/task-spec.js';
import { readSequenceOutcome, renderStep, runSequences, sequenceTimeoutMs, type StepOutcome } from '../class-sequences.js';
import { signatureSequences } from '../generated-sequences.js';
import type { SandboxJudge } from '../judge/sandbox-judge.js';
import { renderCall, renderValue } from '../render-value.js';
import type { CandidateSource } from '../verification-layer.js';
import { specCheckPlan, type CheckPlan, type CheckVerdict } from './check-plan.js';
import { outcomeWire } from './run-checks.js';
import { specExpressionError } from './spec-expression-error.js';

/** Options of {@link checkClassContracts}. */
export interface ClassContractsOptions {
  readonly spec: TaskSpec;
  readonly candidate: CandidateSource;
  readonly runner: CandidateRunner;
  readonly judge: SandboxJudge;
  /** Generated sequences besides the visible ones, integer >= 0. */
  readonly generatedSequences: number;
  readonly seed: number;
  /** Budget of each judge run, in ms. */
  readonly maxRunMs: number;
  /** Most extra runs spent shrinking a failing sequence. Default 12. */
  readonly maxShrinkRuns?: number;
  readonly signal?: AbortSignal;
}

/**
 * Where a contract did not hold: the sequence (shrunk), after which step (0: after construction), what broke:
 * `invariant`; a method's `postcondition`; `threw`: a method whose preconditions held threw (it may refuse only
 * calls outside its contract); or `precondition`: in a visible sequence, a call the spec expects to return found
 * the candidate's state outside that method's preconditions (`afterStep` is that call, `state` the state before it).
 */
export interface ContractViolation {
  readonly sequence: CallSequence;
  /** 1-based step after which it failed; 0 after construction. */
  readonly afterStep: number;
  readonly kind: 'invariant' | 'postcondition' | 'threw' | 'precondition';
  /** The expression that did not hold (for `threw`: the error, `TypeError: ...`). */
  readonly condition: string;
  /** The method whose precondition or postcondition broke, or that threw. */
  readonly method?: string;
  /** The fields' values there, by name. */
  readonly state: Readonly<Record<string, unknown>>;
  /** Evaluating the condition threw (`TypeError: ...`) rather than giving false. */
  readonly error?: string;
}

/** Outcome of {@link checkClassContracts}. */
export type ClassContractsResult =
  | {
      readonly kind: 'held'; readonly sequences: number; readonly states: number; readonly skipped: number;
      /** Method calls whose postconditions were checked. */
      readonly calls: number;
      /** Sequences cut short at a step whose preconditions did not hold. */
      readonly outsideContract: number;
    }
  | { readonly kind: 'violated'; readonly violation: ContractViolation; readonly sequences: number; readonly shrinkRuns: number }
  /** A field could not be read as plain data after some step: the class does not keep the field it declares. */
  | { readonly kind: 'unreadable'; readonly sequence: CallSequence; readonly afterStep: number; readonly field: string; readonly why: string }
  | { readonly kind: 'failed'; readonly reason: string; readonly message: string };

/** One sequence's field snapshots (one per point: after construction, after each step) and step results, or why there are none. */
type Snapshots =
  | { readonly kind: 'states'; readonly states: readonly (readonly unknown[])[]; readonly results: readonly StepOutcome[] }
  | { readonly kind: 'skip' }
  | { readonly kind: 'unreadable'; readonly afterStep: number; readonly field: string; readonly why: string };

/** Whether `spec` has anything for {@link checkClassContracts} to check: invariants, or a method with a contract. */
export function hasClassContracts(spec: TaskSpec): boolean {
  return spec.invariants.length > 0 || spec.methods.some((m) => m.preconditions.length + m.postconditions.length > 0);
}

/**
 * Runs the check (see the module comment). A sequence whose construction throws is skipped (counted in `skipped`);
 * a step that throws does not end it: the invariants must hold after it too, and a method with preconditions that
 * held may not throw (unless a visible step expects it to).
 * @throws SpecValidationError (`invalid_spec`) when a condition does not compile (the spec check refuses it first).
 * @throws SandboxUnavailableError from the runner or the judge; the signal's reason.
 */
export async function checkClassContracts(given: ClassContractsOptions): Promise<ClassContractsResult> {
  // Only the fields some condition speaks of are read after each step: a declared field that is not plain data
  // (a list of nodes) fails nothing unless a condition needs it.
  const options = { ...given, observed: observedFields(given.spec) };
  const { spec } = options;
  const sequences = signatureSequences({ spec, count: options.generatedSequences, seed: options.seed });
  const snapshots = await runSnapshots(options, sequences);
  if (snapshots.kind === 'failed') return snapshots;
  const unreadable = snapshots.list.findIndex((s) => s.kind === 'unreadable');
  if (unreadable >= 0) {
    const found = snapshots.list[unreadable] as Extract<Snapshots, { kind: 'unreadable' }>;
    return { kind: 'unreadable', sequence: sequences[unreadable] as CallSequence, afterStep: found.afterStep, field: found.field, why: found.why };
  }
  const judged = await judgeContracts(options, sequences, snapshots.list, spec.sequences.length);
  if (judged.kind === 'failed') return judged;
  const first = judged.first;
  if (first === undefined) {
    return {
      kind: 'held', sequences: sequences.length, states: judged.states, skipped: snapshots.list.filter((s) => s.kind === 'skip').length,
      calls: judged.calls, outsideContract: judged.outsideContract,
    };
  }
  const shrunk = await shrink(options, sequences[first.sequence] as CallSequence, first, first.sequence < spec.sequences.length);
  return { kind: 'violated', violation: shrunk.violation, sequences: sequences.length, shrinkRuns: shrunk.runs };
}

/** The first violation of some sequence: its index, the point (step), what broke and the state there. */
interface FoundViolation {
  readonly sequence: number;
  readonly point: number;
  readonly kind: ContractViolation['kind'];
  /** The invariant's, precondition's or postcondition's index; -1 for `threw`. */
  readonly index: number;
  readonly method?: string;
  readonly state: readonly unknown[];
  readonly error?: string;
}

/** The declared fields some invariant or method condition names (as a whole identifier, or as `old_<field>`), in declaration order. */
export function observedFields(spec: TaskSpec): TaskSpec['fields'] {
  const conditions = [...spec.invariants, ...spec.methods.flatMap((m) => [...m.preconditions, ...m.postconditions])];
  return spec.fields.filter((field) => {
    const escaped = field.name.replace(/\$/g, '\\$');
    const name = new RegExp(`(?<![\\w$])(?:${OLD_FIELD_PREFIX})?${escaped}(?![\\w$])`);
    return conditions.some((condition) => name.test(condition));
  });
}

/** The options with the fields to read after each step. */
type Observing = ClassContractsOptions & { readonly observed: TaskSpec['fields'] };

/** `sequence` with a read of every observed field after construction and after each step. */
function instrument(fields: TaskSpec['fields'], sequence: CallSequence): CallSequence {
  const reads: SequenceStep[] = fields.map((field) => ({ field: field.name, args: [], expectThrows: false }));
  return { ...sequence, steps: [...reads, ...sequence.steps.flatMap((step) => [step, ...reads])] };
}

async function runSnapshots(options: Observing, sequences: readonly CallSequence[]): Promise<{ readonly kind: 'ran'; readonly list: Snapshots[] } | Extract<ClassContractsResult, { kind: 'failed' }>> {
  const { spec, candidate } = options;
  const instrumented = sequences.map((sequence) => instrument(options.observed, sequence));
  const run = await runSequences({ runner: options.runner, spec, code: candidate.code, sequences: instrumented, language: candidate.language, signal: options.signal });
  if (run.kind === 'failed') return { kind: 'failed', reason: run.reason, message: run.message };
  const fields = options.observed.map((field) => field.name);
  const width = fields.length + 1;
  const list = instrumented.map((sequence, index): Snapshots => {
    const read = readSequenceOutcome(run.outcomes[index] ?? { kind: 'timeout' }, sequence.steps.length);
    if (read.kind === 'constructor-error') return { kind: 'skip' };
    if (read.kind !== 'steps') {
      const why = read.kind === 'timeout' ? `the sequence timed out after ${sequenceTimeoutMs({ limits: spec.limits, sequences: [sequence] })} ms` : read.message;
      return { kind: 'unreadable', afterStep: 0, field: fields[0] ?? '', why };
    }
    const states: unknown[][] = [];
    const results: StepOutcome[] = [];
    // Points: after construction (the first fields.length outcomes), then per step its outcome and the reads after it.
    for (let point = 0; point * width <= read.steps.length - fields.length; point += 1) {
      const offset = point === 0 ? 0 : fields.length + (point - 1) * width + 1;
      if (point > 0) results.push(read.steps[offset - 1] ?? { kind: 'error', errorType: 'Error', message: 'no outcome came back' });
      const values: unknown[] = [];
      for (const [f, field] of fields.entries()) {
        const got: StepOutcome | undefined = read.steps[offset + f];
        if (got?.kind !== 'value') return { kind: 'unreadable', afterStep: point, field, why: describeUnreadable(got) };
        values.push(got.value);
      }
      states.push(values);
    }
    return { kind: 'states', states, results };
  });
  return { kind: 'ran', list };
}

function describeUnreadable(got: StepOutcome | undefined): string {
  if (got === undefined) return 'no value came back';
  if (got.kind === 'error') return `reading it threw ${got.errorType}: ${got.message.slice(0, 200)}`;
  if (got.kind === 'object') return `it holds an instance of ${got.typeName}, not plain data`;
  return 'it is the instance itself, not plain data';
}

type Failed = Extract<ClassContractsResult, { kind: 'failed' }>;
type Judged = { readonly kind: 'judged'; readonly first?: FoundViolation; readonly states: number; readonly calls: number; readonly outsideContract: number } | Failed;

/**
 * One judge run of `plan` over `calls`: each call's verdict, or `failed` when the judge could not run or failed on a
 * call. Verdicts are `ok`, `skip` (mode `pre`: a precondition or invariant false) or `violated` (mode `check`).
 * @throws SpecValidationError (`invalid_spec`) for an expression that does not compile, at `pathOf(index)`.
 */
async function judgeAll(
  options: Observing, plan: CheckPlan, mode: 'pre' | 'check', calls: readonly { args: readonly unknown[]; outcomeWire?: string }[], pathOf: (index: number) => string,
): Promise<{ readonly kind: 'judged'; readonly verdicts: readonly CheckVerdict[] } | Failed> {
  if (calls.length === 0) return { kind: 'judged', verdicts: [] };
  const judged = await options.judge.judge({
    plan, mode, calls, timeoutMs: options.spec.limits.timeoutMs, maxRunMs: options.maxRunMs, ...(options.signal ? { signal: options.signal } : {}),
  });
  if (judged.kind === 'failed') return { kind: 'failed', reason: 'judge', message: judged.message };
  for (const verdict of judged.verdicts) {
    if (verdict.v === 'spec-error') throw specExpressionError(verdict, plan, pathOf);
    if (verdict.v === 'error') return { kind: 'failed', reason: 'judge', message: verdict.message };
  }
  return { kind: 'judged', verdicts: judged.verdicts };
}

/**
 * The judge's verdicts on every sequence, in three runs per kind of condition: each method's preconditions on the
 * state before each of its calls (cutting its sequence there when one fails), the invariants on every state up to
 * the cut, each method's postconditions on every call before the cut that returned. The first violation (by
 * sequence, then step) wins.
 */
async function judgeContracts(options: Observing, sequences: readonly CallSequence[], list: readonly Snapshots[], visibleCount: number): Promise<Judged> {
  const { spec } = options;
  const language = options.candidate.language;
  const recorded = list.flatMap((snapshots, sequence) => (snapshots.kind === 'states' ? [{ sequence, states: snapshots.states, results: snapshots.results, steps: sequences[sequence]?.steps ?? [] }] : []));
  const methodOf = new Map(spec.methods.map((method) => [method.name, method] as const));
  const contracts = new Map(spec.methods.map((method) => [method.name, methodContractSpecs(spec, method, options.observed)] as const));
  // 1. Preconditions: the first call of each sequence outside its method's contract ends what is checked.
  const cut = new Map(recorded.map((r) => [r.sequence, r.steps.length + 1] as const));
  const found: FoundViolation[] = [];
  for (const method of spec.methods.filter((m) => m.preconditions.length > 0)) {
    const pre = contracts.get(method.name)?.pre;
    if (pre === undefined) continue;
    const plan = specCheckPlan(pre, [], { language });
    const calls = recorded.flatMap((r) => r.steps.flatMap((step, i) => (step.call === method.name ? [{ sequence: r.sequence, step: i + 1, args: [...step.args, ...(r.states[i] ?? [])] }] : [])));
    const judged = await judgeAll(options, plan, 'pre', calls, (i) => `methods.${spec.methods.indexOf(method)}.preconditions.${i}`);
    if (judged.kind === 'failed') return judged;
    for (const [index, verdict] of judged.verdicts.entries()) {
      const call = calls[index];
      if (call === undefined || verdict.v !== 'skip' || call.step >= (cut.get(call.sequence) ?? Infinity)) continue;
      cut.set(call.sequence, call.step);
      const step = sequences[call.sequence]?.steps[call.step - 1];
      if (call.sequence < visibleCount && step !== undefined && !step.expectThrows && step.throws === undefined) {
        const state = recorded.find((r) => r.sequence === call.sequence)?.states[call.step - 1] ?? [];
        found.push({ sequence: call.sequence, point: call.step, kind: 'precondition', index: verdict.index, method: method.name, state, ...(verdict.error === undefined ? {} : { error: verdict.error }) });
      }
    }
  }
  // 2. Invariants on every state before the cut (point p: after step p).
  const points = recorded.flatMap((r) => r.states.slice(0, cut.get(r.sequence)).map((state, point) => ({ sequence: r.sequence, point, state })));
  if (spec.invariants.length > 0) {
    const plan = specCheckPlan(stateSpec({ ...spec, fields: options.observed }), [], { language });
    const judged = await judgeAll(options, plan, 'pre', points.map((p) => ({ args: p.state })), (i) => `invariants.${i}`);
    if (judged.kind === 'failed') return judged;
    for (const [index, verdict] of judged.verdicts.entries()) {
      const at = points[index];
      if (at !== undefined && verdict.v === 'skip' && verdict.by === 'invariant') {
        found.push({ ...at, kind: 'invariant', index: verdict.index, ...(verdict.error === undefined ? {} : { error: verdict.error }) });
      }
    }
  }
  // 3. Postconditions on every call before the cut; a method whose preconditions held may not throw.
  let checkedCalls = 0;
  for (const r of recorded) {
    for (const [i, step] of r.steps.entries()) {
      const method = step.call === undefined ? undefined : methodOf.get(step.call);
      const result = r.results[i];
      // A step the spec itself expects to throw may (a visible `withdraw(500)` with `throws`).
      if (method === undefined || i + 1 >= (cut.get(r.sequence) ?? 0) || method.preconditions.length === 0 || result?.kind !== 'error' || step.expectThrows || step.throws !== undefined) continue;
      found.push({ sequence: r.sequence, point: i + 1, kind: 'threw', index: -1, method: method.name, state: r.states[i + 1] ?? [], error: `${result.errorType}: ${result.message}` });
    }
  }
  for (const method of spec.methods.filter((m) => m.postconditions.length > 0)) {
    const post = contracts.get(method.name)?.post;
    if (post === undefined) continue;
    const plan = specCheckPlan(post, method.postconditions.map((expression) => ({ label: `postcondition ${JSON.stringify(expression)}`, expression })), { language });
    const calls = recorded.flatMap((r) => r.steps.flatMap((step, i) => {
      const result = r.results[i];
      if (step.call !== method.name || i + 1 >= (cut.get(r.sequence) ?? 0) || result === undefined || result.kind === 'error') return [];
      // `result` is the returned value; a call that returned the instance itself or an object that is not plain data binds null.
      const value = result.kind === 'value' ? result.value : null;
      return [{ sequence: r.sequence, step: i + 1, state: r.states[i + 1] ?? [], args: [...step.args, ...(r.states[i + 1] ?? []), ...(r.states[i] ?? [])], outcomeWire: JSON.stringify(outcomeWire({ kind: 'value', value })) }];
    }));
    checkedCalls += calls.length;
    const judged = await judgeAll(options, plan, 'check', calls, (i) => `methods.${spec.methods.indexOf(method)}.postconditions.${i}`);
    if (judged.kind === 'failed') return judged;
    for (const [index, verdict] of judged.verdicts.entries()) {
      const call = calls[index];
      if (call !== undefined && verdict.v === 'violated') {
        found.push({ sequence: call.sequence, point: call.step, kind: 'postcondition', index: verdict.index, method: method.name, state: call.state, ...(verdict.error === undefined ? {} : { error: verdict.error }) });
      }
    }
  }
  const order = (v: FoundViolation): number => (v.kind === 'invariant' ? 1 : 0);
  found.sort((a, b) => a.sequence - b.sequence || a.point - b.point || order(a) - order(b));
  const outsideContract = recorded.filter((r) => (cut.get(r.sequence) ?? 0) <= r.steps.length).length;
  return { kind: 'judged', ...(found[0] === undefined ? {} : { first: found[0] }), states: points.length, calls: checkedCalls, outsideContract };
}

/**
 * Drops steps from the end of a failing sequence (past its first violation there is nothing to keep), then tries
 * dropping each earlier step in turn, keeping a drop whenever the shorter sequence still breaks a condition.
 */
async function shrink(options: Observing, sequence: CallSequence, found: FoundViolation, visible: boolean): Promise<{ readonly violation: ContractViolation; readonly runs: number }> {
  const budget = options.maxShrinkRuns ?? 12;
  let best: CallSequence = { ...sequence, steps: sequence.steps.slice(0, found.point) };
  let bestFound: FoundViolation = found;
  let runs = 0;
  for (let drop = best.steps.length - 1; drop >= 0 && runs < budget; drop -= 1) {
    const candidate: CallSequence = { ...best, steps: best.steps.filter((_, i) => i !== drop) };
    runs += 1;
    const again = await violationOf(options, candidate, visible);
    if (again !== undefined) {
      best = { ...candidate, steps: candidate.steps.slice(0, again.point) };
      bestFound = again;
    }
  }
  const fields = options.observed.map((field) => field.name);
  const { spec } = options;
  const method = bestFound.method === undefined ? undefined : spec.methods.find((m) => m.name === bestFound.method);
  const condition = bestFound.kind === 'invariant' ? spec.invariants[bestFound.index] ?? ''
    : bestFound.kind === 'postcondition' ? method?.postconditions[bestFound.index] ?? ''
      : bestFound.kind === 'precondition' ? method?.preconditions[bestFound.index] ?? '' : bestFound.error ?? '';
  return {
    runs,
    violation: {
      sequence: best,
      afterStep: bestFound.point,
      kind: bestFound.kind,
      condition,
      ...(bestFound.method === undefined ? {} : { method: bestFound.method }),
      state: Object.fromEntries(fields.map((name, i) => [name, bestFound.state[i]])),
      ...(bestFound.error === undefined || bestFound.kind === 'threw' ? {} : { error: bestFound.error }),
    },
  };
}

async function violationOf(options: Observing, sequence: CallSequence, visible: boolean): Promise<FoundViolation | undefined> {
  const snapshots = await runSnapshots(options, [sequence]);
  if (snapshots.kind === 'failed' || snapshots.list[0]?.kind !== 'states') return undefined;
  const judged = await judgeContracts(options, [sequence], snapshots.list, visible ? 1 : 0);
  return judged.kind === 'judged' ? judged.first : undefined;
}

/** `Stack(2), then push(1), pop()`: a sequence for a reason. */
export function renderSequence(spec: TaskSpec, sequence: CallSequence): string {
  const construct = renderCall(spec.signature.entryPoint, sequence.construct);
  return sequence.steps.length === 0 ? construct : `${construct}, then ${sequence.steps.map((step) => renderStep(step, renderCall, renderValue)).join(', ')}`;
}
