/**
 * @module orchestrate/signature-sequences
 * Behaviour of a class candidate, for equivalence classes and the vote (issue 14): two candidate classes are equivalent
 * when they behave the same on the spec's visible call sequences and on call sequences generated from its typed
 * signatures (seeded, so every candidate of a task runs the same ones). A sequence runs through the sequence driver
 * (`verify/class-sequences.ts`), and its outcome becomes one entry of the semantic signature: the steps' values, with
 * a thrown error counted as an error whatever its message, as a function's are.
 */
import fc from 'fast-check';
import type { CallOutcome, CandidateRunner } from '../sandbox/index.js';
import type { CallSequence, SequenceStep, TaskSpec } from '../task-spec/task-spec.js';
import { generateInputs } from '../vote/generate-inputs.js';
import { readSequenceOutcome, SEQUENCE_ENTRY, sequenceArgumentTypes, sequenceCall, sequenceDriverFor, sequenceTimeoutMs } from '../verify/class-sequences.js';

/** Steps of a generated sequence. */
const GENERATED_STEPS = 3;

/**
 * The visible sequences of `spec` followed by `count` generated ones. A generated sequence constructs the class with
 * the constructor arguments of a visible sequence (taken in turn; generated from the constructor's types when there
 * is none) and makes {@link GENERATED_STEPS} calls of methods drawn with the seed, each with arguments generated from
 * the method's parameter types (`generateInputs`: edge values first, then fast-check samples). Deterministic for a
 * given spec, count and seed.
 *
 * @param options.count generated sequences, integer >= 0. Default 12. @param options.seed default 42.
 */
export function signatureSequences(options: { readonly spec: TaskSpec; readonly count?: number; readonly seed?: number }): CallSequence[] {
  const { spec } = options;
  const count = options.count ?? 12;
  const seed = options.seed ?? 42;
  const visible = spec.sequences.map((sequence) => ({ ...sequence }));
  if (count === 0 || spec.methods.length === 0) return visible;
  const asFunction = (inputs: TaskSpec['signature']['inputs']): TaskSpec => ({ ...spec, taskType: 'function', signature: { ...spec.signature, inputs } });
  const constructs = visible.length > 0 ? visible.map((sequence) => [...sequence.construct]) : generateInputs({ spec: asFunction(spec.signature.inputs), count, seed });
  const argumentsOf = spec.methods.map((method) => generateInputs({ spec: asFunction(method.inputs), count, seed }));
  const picks = fc.sample(fc.array(fc.nat(1_000_000), { minLength: GENERATED_STEPS * 2, maxLength: GENERATED_STEPS * 2 }), { seed, numRuns: count });
  return [...visible, ...picks.map((draws, index): CallSequence => {
    const steps: SequenceStep[] = [];
    for (let step = 0; step < GENERATED_STEPS; step += 1) {
      const methodIndex = (draws[step * 2] ?? 0) % spec.methods.length;
      const method = spec.methods[methodIndex];
      const tuples = argumentsOf[methodIndex] ?? [[]];
      if (method === undefined) continue;
      steps.push({ call: method.name, args: tuples[(draws[step * 2 + 1] ?? 0) % Math.max(1, tuples.length)] ?? [], expectThrows: false });
    }
    return { construct: constructs[index % Math.max(1, constructs.length)] ?? [], steps, description: `generated sequence ${index + 1}` };
  })];
}

/**
 * Runs `code` (a class candidate) on `sequences` and gives one outcome per sequence, for `semanticSignature`: a
 * `value` holding each step's outcome (`["v", value]`, `["s"]` for the instance itself, `["o", typeName]`, `["e"]` for
 * a thrown error), an `error` when the constructor threw or the driver's answer is malformed, a `timeout`; or the run's
 * failure (the candidate did not load, crashed, ...). `raw` holds the driver's answers as they came, for judging the
 * visible sequences against their expectations (`judgeSequence`).
 */
export async function runSequencesForSignature(options: {
  readonly runner: CandidateRunner;
  readonly spec: TaskSpec;
  readonly code: string;
  readonly sequences: readonly CallSequence[];
  readonly signal?: AbortSignal;
}): Promise<{ readonly kind: 'ran'; readonly outcomes: CallOutcome[]; readonly raw: readonly CallOutcome[] } | { readonly kind: 'failed'; readonly reason: string }> {
  const { spec, sequences } = options;
  const run = await options.runner.run({
    language: spec.language,
    code: `${options.code}\n${sequenceDriverFor(spec)}`,
    entryPoint: SEQUENCE_ENTRY,
    calls: sequences.map(sequenceCall),
    callArgumentTypes: sequences.map((sequence) => sequenceArgumentTypes(spec, sequence)),
    perCallTimeoutMs: sequenceTimeoutMs({ limits: spec.limits, sequences: [...sequences] }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  if (run.kind !== 'ran') return { kind: 'failed', reason: run.reason };
  const outcomes = sequences.map((sequence, index): CallOutcome => {
    const read = readSequenceOutcome(run.outcomes[index] ?? { kind: 'timeout' }, sequence.steps.length);
    switch (read.kind) {
      case 'steps':
        return {
          kind: 'value',
          value: read.steps.map((step) => (step.kind === 'value' ? ['v', step.value] : step.kind === 'self' ? ['s'] : step.kind === 'object' ? ['o', step.typeName] : ['e'])),
        };
      case 'constructor-error':
        return { kind: 'error', errorType: read.errorType, message: read.message };
      case 'timeout':
        return { kind: 'timeout' };
      default:
        return { kind: 'error', errorType: 'malformed', message: read.message };
    }
  });
  return { kind: 'ran', outcomes, raw: run.outcomes };
}
