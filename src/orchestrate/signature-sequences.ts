/**
 * @module orchestrate/signature-sequences
 * Behaviour of a class candidate, for equivalence classes and the vote (issue 14): two candidate classes are equivalent
 * when they behave the same on the spec's visible call sequences and on call sequences generated from its typed
 * signatures (seeded, so every candidate of a task runs the same ones). A sequence runs through the sequence driver
 * (`verify/class-sequences.ts`), and its outcome becomes one entry of the semantic signature: the steps' values, with
 * a thrown error counted as an error whatever its message, as a function's are.
 */
import type { CallOutcome, CandidateRunner } from '../sandbox/index.js';
import type { CallSequence, TaskSpec } from '../task-spec/task-spec.js';
import { readSequenceOutcome, runSequences } from '../verify/class-sequences.js';

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
  const { sequences } = options;
  const run = await runSequences(options);
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
