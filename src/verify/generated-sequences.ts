/**
 * @module verify/generated-sequences
 * Call sequences generated from a class (or module) spec's typed signatures, seeded: the inputs of the vote's
 * behaviour classes (`orchestrate/signature-sequences.ts`) and of the class invariants check
 * (`verify/contracts/class-contracts.ts`), so that every candidate of a task runs the same ones.
 */
import fc from 'fast-check';
import type { CallSequence, SequenceStep, TaskSpec } from '../task-spec/task-spec.js';
import { generateInputs } from '../vote/generate-inputs.js';

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

