/**
 * @module orchestrate/signature-inputs
 * The inputs on which candidates' behaviour is compared to form equivalence classes: the visible test inputs plus
 * inputs generated from the signature's types (fast-check, fixed seed), keeping only generated inputs that satisfy
 * the spec's preconditions - callers guarantee preconditions, so behaviour outside them must not split classes.
 */
import type { CandidateRunner } from '../sandbox/candidate-runner.js';
import type { TaskSpec } from '../task-spec/task-spec.js';
import { signatureInputTypes } from '../task-spec/type-ref.js';
import { generateInputs } from '../vote/generate-inputs.js';

/** Entry point of the generated precondition checker. */
export const PRECONDITION_ENTRY_POINT = '__zerr_preconditions';

/**
 * Visible test inputs followed by the generated inputs that satisfy every precondition.
 *
 * Preconditions are expressions in the spec's language, so they are evaluated by running a generated checker
 * function in the sandbox (one run per task). When the checker cannot run (a malformed precondition), only the
 * visible inputs are used - never inputs whose validity is unknown.
 *
 * @param options.count generated inputs before filtering. Default 24. @param options.seed default 42.
 */
export async function signatureInputs(options: {
  readonly spec: TaskSpec;
  readonly runner: CandidateRunner;
  readonly count?: number;
  readonly seed?: number;
  readonly signal?: AbortSignal;
}): Promise<{ readonly inputs: readonly (readonly unknown[])[]; readonly generated: number; readonly kept: number }> {
  const { spec } = options;
  const visible = spec.testCases.map((test) => test.inputs);
  const generated = generateInputs({ spec, count: options.count ?? 24, seed: options.seed ?? 42 });
  if (spec.preconditions.length === 0 || generated.length === 0) {
    return { inputs: [...visible, ...generated], generated: generated.length, kept: generated.length };
  }
  const run = await options.runner.run({
    language: spec.language,
    code: preconditionChecker(spec),
    entryPoint: PRECONDITION_ENTRY_POINT,
    calls: generated,
    argumentTypes: signatureInputTypes(spec),
    perCallTimeoutMs: 1000,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  if (run.kind !== 'ran') return { inputs: visible, generated: generated.length, kept: 0 };
  const kept = generated.filter((_, index) => {
    const outcome = run.outcomes[index];
    return outcome?.kind === 'value' && outcome.value === true;
  });
  return { inputs: [...visible, ...kept], generated: generated.length, kept: kept.length };
}

/** Source of a function that returns whether all of `spec`'s preconditions hold for its arguments. */
export function preconditionChecker(spec: TaskSpec): string {
  const parameters = spec.signature.inputs.map((input) => input.name).join(', ');
  const conditions = spec.preconditions.map((condition) => `(${condition})`);
  if (spec.language === 'python') {
    return `def ${PRECONDITION_ENTRY_POINT}(${parameters}):\n    return bool(${conditions.join(' and ')})\n`;
  }
  return `function ${PRECONDITION_ENTRY_POINT}(${parameters}) {\n  return Boolean(${conditions.join(' && ')});\n}\n`;
}
