/**
 * @module verify/contracts/class-invariants
 * A class spec's invariants (expressions over its declared fields, `0 <= size <= capacity`) checked after
 * construction and after every step of its call sequences: the visible ones and sequences generated from the
 * methods' typed signatures (`verify/generated-sequences.ts`, seeded), as a model-based test runs random command
 * sequences against a system (fast-check's `commands`; here the invariants are the model's checks). A sequence that
 * breaks one is shrunk to a shortest form that still breaks it (steps dropped one at a time from the end while it
 * still fails), so the reason shows a small counterexample.
 *
 * Who computes what: the candidate's sandboxed process runs each sequence through the sequence driver, with a read
 * of every field an invariant names after construction and after each step, and returns the values as plain data; the judge
 * (a separate sandboxed process that never runs candidate code) evaluates the invariants over those values, as it
 * evaluates a function's invariants over its arguments (`stateSpec`: the fields as parameters). No expression of the
 * spec runs in the candidate's process.
 */
import type { CandidateRunner } from '../../sandbox/index.js';
import { stateSpec } from '../../task-spec/checks/class-spec.js';
import type { CallSequence, SequenceStep, TaskSpec } from '../../task-spec/task-spec.js';
import { readSequenceOutcome, renderStep, runSequences, sequenceTimeoutMs, type StepOutcome } from '../class-sequences.js';
import { signatureSequences } from '../generated-sequences.js';
import type { SandboxJudge } from '../judge/sandbox-judge.js';
import { renderCall, renderValue } from '../render-value.js';
import type { CandidateSource } from '../verification-layer.js';
import { specCheckPlan } from './check-plan.js';
import { specExpressionError } from './spec-expression-error.js';

/** Options of {@link checkClassInvariants}. */
export interface ClassInvariantsOptions {
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

/** Where an invariant did not hold: the sequence (shrunk), after which step (0: after construction), and which invariant. */
export interface InvariantViolation {
  readonly sequence: CallSequence;
  /** 1-based step after which it failed; 0 after construction. */
  readonly afterStep: number;
  readonly invariant: string;
  /** The fields' values there, by name. */
  readonly state: Readonly<Record<string, unknown>>;
  /** Evaluating the invariant threw (`TypeError: ...`) rather than giving false. */
  readonly error?: string;
}

/** Outcome of {@link checkClassInvariants}. */
export type ClassInvariantsResult =
  | { readonly kind: 'held'; readonly sequences: number; readonly states: number; readonly skipped: number }
  | { readonly kind: 'violated'; readonly violation: InvariantViolation; readonly sequences: number; readonly shrinkRuns: number }
  /** A field could not be read as plain data after some step: the class does not keep the field it declares. */
  | { readonly kind: 'unreadable'; readonly sequence: CallSequence; readonly afterStep: number; readonly field: string; readonly why: string }
  | { readonly kind: 'failed'; readonly reason: string; readonly message: string };

/** One sequence's field snapshots (one per point: after construction, after each step), or why there are none. */
type Snapshots =
  | { readonly kind: 'states'; readonly states: readonly (readonly unknown[])[] }
  | { readonly kind: 'skip' }
  | { readonly kind: 'unreadable'; readonly afterStep: number; readonly field: string; readonly why: string };

/**
 * Runs the check (see the module comment). A sequence whose construction throws is skipped (counted in `skipped`);
 * a step that throws does not end it, and the invariants must hold after it too.
 * @throws SpecValidationError (`invalid_spec`) when an invariant does not compile (the spec check refuses it first).
 * @throws SandboxUnavailableError from the runner or the judge; the signal's reason.
 */
export async function checkClassInvariants(given: ClassInvariantsOptions): Promise<ClassInvariantsResult> {
  // Only the fields the invariants speak of are read after each step: a declared field that is not plain data
  // (a list of nodes) fails nothing unless an invariant needs it.
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
  const violations = await judgeStates(options, snapshots.list);
  if (violations.kind === 'failed') return violations;
  const first = violations.first;
  if (first === undefined) {
    const states = snapshots.list.reduce((sum, s) => sum + (s.kind === 'states' ? s.states.length : 0), 0);
    return { kind: 'held', sequences: sequences.length, states, skipped: snapshots.list.filter((s) => s.kind === 'skip').length };
  }
  const shrunk = await shrink(options, sequences[first.sequence] as CallSequence, first);
  return { kind: 'violated', violation: shrunk.violation, sequences: sequences.length, shrinkRuns: shrunk.runs };
}

/** The first violation of some sequence: its index, the point, the invariant's index and the state there. */
interface FoundViolation {
  readonly sequence: number;
  readonly point: number;
  readonly invariant: number;
  readonly state: readonly unknown[];
  readonly error?: string;
}

/** The declared fields some invariant names (as a whole identifier), in declaration order. */
export function observedFields(spec: TaskSpec): TaskSpec['fields'] {
  return spec.fields.filter((field) => {
    const name = new RegExp(`(?<![\\w$])${field.name.replace(/\$/g, '\\$')}(?![\\w$])`);
    return spec.invariants.some((invariant) => name.test(invariant));
  });
}

/** The options with the fields to read after each step. */
type Observing = ClassInvariantsOptions & { readonly observed: TaskSpec['fields'] };

/** `sequence` with a read of every observed field after construction and after each step. */
function instrument(fields: TaskSpec['fields'], sequence: CallSequence): CallSequence {
  const reads: SequenceStep[] = fields.map((field) => ({ field: field.name, args: [], expectThrows: false }));
  return { ...sequence, steps: [...reads, ...sequence.steps.flatMap((step) => [step, ...reads])] };
}

async function runSnapshots(options: Observing, sequences: readonly CallSequence[]): Promise<{ readonly kind: 'ran'; readonly list: Snapshots[] } | Extract<ClassInvariantsResult, { kind: 'failed' }>> {
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
    // Points: after construction (the first fields.length outcomes), then per step its outcome and the reads after it.
    for (let point = 0; point * width <= read.steps.length - fields.length; point += 1) {
      const offset = point === 0 ? 0 : fields.length + (point - 1) * width + 1;
      const values: unknown[] = [];
      for (const [f, field] of fields.entries()) {
        const got: StepOutcome | undefined = read.steps[offset + f];
        if (got?.kind !== 'value') return { kind: 'unreadable', afterStep: point, field, why: describeUnreadable(got) };
        values.push(got.value);
      }
      states.push(values);
    }
    return { kind: 'states', states };
  });
  return { kind: 'ran', list };
}

function describeUnreadable(got: StepOutcome | undefined): string {
  if (got === undefined) return 'no value came back';
  if (got.kind === 'error') return `reading it threw ${got.errorType}: ${got.message.slice(0, 200)}`;
  if (got.kind === 'object') return `it holds an instance of ${got.typeName}, not plain data`;
  return 'it is the instance itself, not plain data';
}

/** The judge's verdicts on every state, in order: the first violation, if any. */
async function judgeStates(options: Observing, list: readonly Snapshots[]): Promise<{ readonly kind: 'judged'; readonly first?: FoundViolation } | Extract<ClassInvariantsResult, { kind: 'failed' }>> {
  const plan = specCheckPlan(stateSpec({ ...options.spec, fields: options.observed }), [], { language: options.candidate.language });
  const points = list.flatMap((snapshots, sequence) => (snapshots.kind === 'states' ? snapshots.states.map((state, point) => ({ sequence, point, state })) : []));
  if (points.length === 0) return { kind: 'judged' };
  const judged = await options.judge.judge({
    plan, mode: 'pre', calls: points.map((p) => ({ args: p.state })), timeoutMs: options.spec.limits.timeoutMs, maxRunMs: options.maxRunMs,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (judged.kind === 'failed') return { kind: 'failed', reason: 'judge', message: judged.message };
  for (const [index, verdict] of judged.verdicts.entries()) {
    const at = points[index];
    if (at === undefined) continue;
    if (verdict.v === 'spec-error') throw specExpressionError(verdict, plan, (i) => `invariants.${i}`);
    if (verdict.v === 'skip' && verdict.by === 'invariant') {
      return { kind: 'judged', first: { ...at, invariant: verdict.index, ...(verdict.error === undefined ? {} : { error: verdict.error }) } };
    }
    if (verdict.v === 'error') return { kind: 'failed', reason: 'judge', message: verdict.message };
  }
  return { kind: 'judged' };
}

/**
 * Drops steps from the end of a failing sequence (past its first violation there is nothing to keep), then tries
 * dropping each earlier step in turn, keeping a drop whenever the shorter sequence still breaks an invariant.
 */
async function shrink(options: Observing, sequence: CallSequence, found: FoundViolation): Promise<{ readonly violation: InvariantViolation; readonly runs: number }> {
  const budget = options.maxShrinkRuns ?? 12;
  let best: CallSequence = { ...sequence, steps: sequence.steps.slice(0, found.point) };
  let bestFound: FoundViolation = found;
  let runs = 0;
  for (let drop = best.steps.length - 1; drop >= 0 && runs < budget; drop -= 1) {
    const candidate: CallSequence = { ...best, steps: best.steps.filter((_, i) => i !== drop) };
    runs += 1;
    const again = await violationOf(options, candidate);
    if (again !== undefined) {
      best = { ...candidate, steps: candidate.steps.slice(0, again.point) };
      bestFound = again;
    }
  }
  const fields = options.observed.map((field) => field.name);
  return {
    runs,
    violation: {
      sequence: best,
      afterStep: bestFound.point,
      invariant: options.spec.invariants[bestFound.invariant] ?? '',
      state: Object.fromEntries(fields.map((name, i) => [name, bestFound.state[i]])),
      ...(bestFound.error === undefined ? {} : { error: bestFound.error }),
    },
  };
}

async function violationOf(options: Observing, sequence: CallSequence): Promise<FoundViolation | undefined> {
  const snapshots = await runSnapshots(options, [sequence]);
  if (snapshots.kind === 'failed' || snapshots.list[0]?.kind !== 'states') return undefined;
  const judged = await judgeStates(options, snapshots.list);
  return judged.kind === 'judged' ? judged.first : undefined;
}

/** `Stack(2), then push(1), pop()`: a sequence for a reason. */
export function renderSequence(spec: TaskSpec, sequence: CallSequence): string {
  const construct = renderCall(spec.signature.entryPoint, sequence.construct);
  return sequence.steps.length === 0 ? construct : `${construct}, then ${sequence.steps.map((step) => renderStep(step, renderCall, renderValue)).join(', ')}`;
}
