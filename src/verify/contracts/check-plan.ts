/**
 * @module verify/contracts/check-plan
 * What the judge evaluates around one call of the candidate, and the verdict it returns per call. Shared by
 * the `contracts` layer (preconditions, invariants, postconditions) and the `property-tests` layer (preconditions,
 * properties).
 */
import type { Language, TaskSpec } from '../../task-spec/task-spec.js';
import { signatureInputTypes, type TypeRef } from '../../task-spec/type-ref.js';

/** A boolean expression in the target language over the input names and `result`, with the label used in reasons. */
export interface LabelledExpression {
  /** Shown in reasons, e.g. `postcondition "result >= 0"` or `property "sorted"`. */
  readonly label: string;
  readonly expression: string;
}

/**
 * The checks around each call, in order:
 * 1. `preconditions` on the inputs: the first false (or throwing) one makes the verdict `skip`;
 * 2. `invariants` on the inputs before the call: a false one also makes it `skip` (the caller broke it, not the candidate);
 * 3. the call, on a deep copy of the inputs (so conditions see the inputs as given even if the candidate mutates them);
 * 4. `invariants` again after the call, on the arguments as the candidate left them, with `result` bound;
 * 5. `checks` (postconditions or properties) on the original inputs and `result`.
 */
export interface CheckPlan {
  readonly language: Language;
  readonly entryPoint: string;
  /** Parameter names in signature order (bound to the positional arguments). */
  readonly parameters: readonly string[];
  /**
   * Their declared types, in the same order: the arguments reach the candidate and the judge as those types
   * (`sandbox/typed-encoding.ts`). Absent: as the JSON they are written in.
   */
  readonly parameterTypes?: readonly TypeRef[];
  readonly preconditions: readonly string[];
  readonly invariants: readonly string[];
  readonly checks: readonly LabelledExpression[];
}

/**
 * The plan of `spec` around `checks`: its entry point, parameter names, preconditions and (unless `options.invariants`
 * replaces them) invariants. `options.language` defaults to the spec's; a layer passes its candidate's.
 */
export function specCheckPlan(
  spec: TaskSpec,
  checks: readonly LabelledExpression[],
  options: { readonly language?: Language; readonly invariants?: readonly string[] } = {},
): CheckPlan {
  return {
    language: options.language ?? spec.language,
    entryPoint: spec.signature.entryPoint,
    parameters: spec.signature.inputs.map((p) => p.name),
    parameterTypes: signatureInputTypes(spec),
    preconditions: spec.preconditions,
    invariants: options.invariants ?? spec.invariants,
    checks,
  };
}

/** Which group of expressions a verdict refers to. */
export type ExpressionGroup = 'precondition' | 'invariant' | 'check';

/**
 * Verdict of one call (`index` is 0-based within its group).
 * - `ok`: every condition held; `skip`: the input broke a precondition or an invariant before the call (`error`:
 *   evaluating it threw, e.g. `TypeError: ...`, which the spec check refuses before any sample);
 * - `threw`: the candidate threw; `violated`: a condition was false after the call, or threw (`error`);
 * - `timeout`: the call ran past the per-call limit; `spec-error`: an expression does not compile;
 * - `no-entry`: the entry point is not a function; `error`: the judge itself failed (`message`).
 */
export type CheckVerdict =
  | { readonly v: 'ok' }
  | { readonly v: 'skip'; readonly by: 'precondition' | 'invariant'; readonly index: number; readonly error?: string }
  | { readonly v: 'threw'; readonly errorType: string; readonly message: string }
  | { readonly v: 'violated'; readonly by: 'invariant' | 'check'; readonly index: number; readonly error?: string }
  | { readonly v: 'timeout' }
  | { readonly v: 'spec-error'; readonly by: ExpressionGroup; readonly index: number; readonly message: string }
  | { readonly v: 'no-entry' }
  | { readonly v: 'error'; readonly message: string };

/** Reads a verdict returned by the judge; anything malformed becomes `error`. */
export function parseVerdict(value: unknown): CheckVerdict {
  const bad: CheckVerdict = { v: 'error', message: `the judge returned an unexpected verdict` };
  if (value === null || typeof value !== 'object') return bad;
  const r = value as Record<string, unknown>;
  const index = typeof r['index'] === 'number' && Number.isInteger(r['index']) && r['index'] >= 0 ? r['index'] : undefined;
  const str = (key: string): string => (typeof r[key] === 'string' ? (r[key] as string).slice(0, 500) : '');
  switch (r['v']) {
    case 'ok':
    case 'no-entry':
    case 'timeout':
      return { v: r['v'] };
    case 'error':
      return { v: 'error', message: str('message') };
    case 'skip':
      if (index === undefined || (r['by'] !== 'precondition' && r['by'] !== 'invariant')) return bad;
      return typeof r['error'] === 'string' ? { v: 'skip', by: r['by'], index, error: str('error') } : { v: 'skip', by: r['by'], index };
    case 'threw':
      return { v: 'threw', errorType: str('errorType') || 'Error', message: str('message') };
    case 'violated':
      if (index === undefined || (r['by'] !== 'invariant' && r['by'] !== 'check')) return bad;
      return typeof r['error'] === 'string' ? { v: 'violated', by: r['by'], index, error: str('error') } : { v: 'violated', by: r['by'], index };
    case 'spec-error':
      if (index === undefined || (r['by'] !== 'precondition' && r['by'] !== 'invariant' && r['by'] !== 'check')) return bad;
      return { v: 'spec-error', by: r['by'], index, message: str('message') };
    default:
      return bad;
  }
}
