/**
 * @module preflight/check-preconditions
 * The spec's preconditions and invariants run before the first sample on the visible test inputs and on the inputs
 * the engine generates from the signature (`vote/generate-inputs.ts`): by the judge (a sandboxed process that never
 * runs candidate code), or, when every one of them is a TypeScript fast-path expression (`low <= high`: comparisons,
 * arithmetic and logic over `number`/`string`/`boolean` inputs), by the fast path's evaluator
 * (`task-spec/checks/simple-expression.ts`), which applies JavaScript's operators to the values and runs nothing of
 * the spec as code - the same verdicts without a sandbox start (decision 011). A precondition that throws, one that no
 * generated input satisfies, and a visible test whose inputs break a precondition are spec errors: left alone, every
 * generated input would be dropped, contracts would check nothing, and the vote would compare candidates on the
 * visible tests alone (issue 13: `clamp` reached consensus on `Math.round(x)` that way).
 */
import type { SpecIssue } from '../task-spec/spec-validation-error.js';
import { SpecCheckError } from '../task-spec/spec-check-error.js';
import { isClassSpec } from '../task-spec/checks/class-spec.js';
import { expectsThrow, type TaskSpec } from '../task-spec/task-spec.js';
import { renderCall } from '../verify/render-value.js';
import type { SandboxJudge } from '../verify/judge/sandbox-judge.js';
import { specCheckPlan, type CheckVerdict } from '../verify/contracts/check-plan.js';
import { fastPathPreVerdicts } from '../verify/contracts/fast-path-verdicts.js';
import { generateInputs } from '../vote/generate-inputs.js';
import { specIssue } from '../task-spec/checks/issue.js';

/** Options of {@link checkSpecPreconditions}. */
export interface CheckPreconditionsOptions {
  /**
   * The judge that evaluates the expressions (mode `pre`). Needed only when `conditionsNeedJudge(spec)`
   * (`task-spec/simple-conditions.ts`) says so; unused otherwise.
   */
  readonly judge?: SandboxJudge;
  /** Name at the start of each message line (a file path). Default `spec`. */
  readonly source?: string;
  /** How many inputs to generate from the signature, integer >= 1. Default 100. */
  readonly generatedInputs?: number;
  /** fast-check seed of the generated inputs (the engine's default). Default 42. */
  readonly seed?: number;
  /** Budget of the judge process, in ms. Default 30000. */
  readonly maxRunMs?: number;
  readonly signal?: AbortSignal;
}

/** Bounds of generated values, for messages (`vote/generate-inputs.ts`). */
const GENERATED_RANGE = 'integers in [-20, 100], floats with two decimals in the same range, strings and lists of at most 8 elements';

function fieldOf(by: 'precondition' | 'invariant', index: number): string {
  return by === 'precondition' ? `preconditions.${index}` : `invariants.${index}`;
}

function expressionAt(spec: TaskSpec, by: 'precondition' | 'invariant' | 'check', index: number): string {
  return (by === 'precondition' ? spec.preconditions[index] : by === 'invariant' ? spec.invariants[index] : undefined) ?? '';
}

/**
 * Evaluates the preconditions and invariants of `spec` with the judge (or the fast path's evaluator, see the module
 * note) and returns the spec errors found (empty when
 * there are none, and at once - no judge started - for a spec without preconditions and invariants):
 * - `preconditions.<i>` / `invariants.<i>`: the expression does not compile, takes longer than `limits.timeoutMs`
 *   on an input, or throws on an input of the declared types (the first such input is named);
 * - `testCases.<i>.inputs`: a visible test (not `expectThrows`) whose inputs break a precondition or an invariant;
 * - `preconditions` (or the one expression every input breaks): no generated input satisfies them;
 * - `preconditions` (or `invariants`): the judge as a whole ran past `maxRunMs` (an expression stuck in code its
 *   per-call timer cannot interrupt).
 *
 * Assumes the static checks passed (test cases have the signature's arity).
 * @throws SpecCheckError (`spec_check_failed`) when the judge itself fails; SandboxUnavailableError
 *   (`sandbox_unavailable`); the `signal`'s reason; Error when the spec needs the judge
 *   (`conditionsNeedJudge`) and `options.judge` is missing.
 */
export async function checkSpecPreconditions(spec: TaskSpec, options: CheckPreconditionsOptions): Promise<SpecIssue[]> {
  // A class's invariants hold of its objects' fields, not of arbitrary values of their types: nothing to evaluate
  // before the first sample (the contracts layer checks them after every step of its call sequences).
  if (spec.preconditions.length + spec.invariants.length === 0 || isClassSpec(spec)) return [];
  options.signal?.throwIfAborted();
  const source = options.source ?? 'spec';
  const visible = spec.testCases.flatMap((test, index) => (expectsThrow(test) ? [] : [{ index, args: test.inputs }]));
  const generated = generateInputs({ spec, count: options.generatedInputs ?? 100, seed: options.seed ?? 42 });
  const calls = [...visible.map((v) => v.args), ...generated];
  const verdicts = fastPathPreVerdicts(spec, calls) ?? await judgeVerdicts(spec, calls, options, source);
  if ('issues' in verdicts) return verdicts.issues;
  return issuesOf(spec, source, verdicts, calls, visible, generated.length);
}

/** The judge's verdicts on `calls`, or the spec issues of a judge that ran out of time. */
async function judgeVerdicts(
  spec: TaskSpec, calls: readonly (readonly unknown[])[], options: CheckPreconditionsOptions, source: string,
): Promise<readonly CheckVerdict[] | { readonly issues: SpecIssue[] }> {
  const { judge } = options;
  if (judge === undefined) throw new Error(`checkSpecPreconditions: spec ${spec.id} has preconditions or invariants off the fast path: options.judge is required`);
  const plan = specCheckPlan(spec, []);
  const judged = await judge.judge({
    plan, mode: 'pre', calls: calls.map((args) => ({ args })), timeoutMs: spec.limits.timeoutMs, maxRunMs: options.maxRunMs ?? 30_000,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (judged.kind === 'failed') {
    // Out of time as a whole: expressions stuck where the per-call timer cannot reach (Python C code) - the spec's.
    if (/took longer than/.test(judged.message)) {
      return { issues: [specIssue(source, spec.preconditions.length > 0 ? 'preconditions' : 'invariants', [...spec.preconditions, ...spec.invariants],
        `expressions that evaluate within the call limit of ${spec.limits.timeoutMs} ms (${judged.message} on ${calls.length} inputs)`)] };
    }
    throw new SpecCheckError(`Cannot evaluate the preconditions of the spec: ${judged.message}`);
  }
  return judged.verdicts;
}

/** The spec issues the verdicts on `calls` (the visible tests' inputs first, then `generatedCount` generated ones) show. */
function issuesOf(
  spec: TaskSpec, source: string, verdicts: readonly CheckVerdict[], calls: readonly (readonly unknown[])[],
  visible: readonly { readonly index: number; readonly args: readonly unknown[] }[], generatedCount: number,
): SpecIssue[] {
  const specError = verdicts.find((v): v is Extract<CheckVerdict, { v: 'spec-error' }> => v.v === 'spec-error');
  if (specError !== undefined) {
    const by = specError.by === 'check' ? 'precondition' : specError.by;
    const index = specError.by === 'check' ? 0 : specError.index;
    const slow = /took longer than/.test(specError.message);
    const path = slow && spec.preconditions.length + spec.invariants.length > 1 ? (spec.preconditions.length > 0 ? 'preconditions' : 'invariants') : fieldOf(by, index);
    const value = path.includes('.') ? expressionAt(spec, by, index) : (by === 'precondition' ? spec.preconditions : spec.invariants);
    const expected = slow
      ? `expressions that evaluate within the call limit of ${spec.limits.timeoutMs} ms (${specError.message})`
      : `an expression the judge can evaluate (${specError.message})`;
    return [specIssue(source, path, value, expected)];
  }
  const issues: SpecIssue[] = [];
  const threw = new Set<string>();
  for (const [position, verdict] of verdicts.entries()) {
    if (verdict.v !== 'skip' || verdict.error === undefined) continue;
    const path = fieldOf(verdict.by, verdict.index);
    if (threw.has(path)) continue;
    threw.add(path);
    const call = renderCall(spec.signature.entryPoint, calls[position] ?? []);
    const where = position < visible.length ? `the inputs of testCases.${visible[position]?.index ?? 0}` : `the generated input ${call}`;
    issues.push(specIssue(source, path, expressionAt(spec, verdict.by, verdict.index),
      `${verdict.by === 'precondition' ? 'a precondition' : 'an invariant'} that is true or false for every input of the declared types (evaluating it on ${where} threw ${verdict.error}; guard it, e.g. check a length before indexing)`));
  }
  for (const [position, { index, args }] of visible.entries()) {
    const verdict = verdicts[position];
    if (verdict?.v !== 'skip' || verdict.error !== undefined) continue;
    const kind = verdict.by === 'precondition' ? 'precondition' : 'invariant';
    issues.push(specIssue(source, `testCases.${index}.inputs`, args,
      `inputs that satisfy every ${kind} (${renderCall(spec.signature.entryPoint, args)} breaks ${fieldOf(verdict.by, verdict.index)} ${JSON.stringify(expressionAt(spec, verdict.by, verdict.index))}; a test of what happens outside the preconditions needs expectThrows: true)`));
  }
  const generatedVerdicts = verdicts.slice(visible.length);
  // An expression that throws explains why nothing holds; otherwise say it (after any visible test that breaks one).
  if (threw.size === 0 && !generatedVerdicts.some((v) => v.v === 'ok')) {
    const skips = generatedVerdicts.filter((v): v is Extract<CheckVerdict, { v: 'skip' }> => v.v === 'skip');
    const first = skips[0];
    const one = first !== undefined && skips.every((v) => v.by === first.by && v.index === first.index) && spec.preconditions.length + spec.invariants.length > 1;
    const path = first !== undefined && (one || spec.preconditions.length + spec.invariants.length === 1)
      ? fieldOf(first.by, first.index)
      : spec.preconditions.length > 0 ? 'preconditions' : 'invariants';
    const value = path.includes('.') && first !== undefined ? expressionAt(spec, first.by, first.index) : [...spec.preconditions, ...spec.invariants];
    issues.push(specIssue(source, path, value,
      `conditions that some inputs of the declared types satisfy: none of the ${generatedCount} inputs generated from the signature (${GENERATED_RANGE}) does, so contracts, properties and the vote's comparison of candidates would check nothing`));
  }
  return issues;
}
