/**
 * @module task-spec/simple-conditions
 * A TypeScript spec's preconditions and invariants compiled on the fast path (`checks/simple-expression.ts`) when all
 * of them are fast-path expressions over its `number`/`string`/`boolean` inputs. Such conditions are evaluated
 * without the judge (a sandboxed process) by the fast path's evaluator, which runs nothing of the spec as code
 * (decision 011): `zerr spec check` of such a spec starts no sandbox.
 */
import { compileSimpleExpression, simpleTypeOf, type SimpleExpression, type SimpleType } from './checks/simple-expression.js';
import type { TaskSpec } from './task-spec.js';

export { SimpleEvaluationError, type SimpleExpression } from './checks/simple-expression.js';

/** The compiled conditions, in the spec's order (index i is `preconditions.i` / `invariants.i`). */
export interface SimpleConditions {
  readonly precondition: readonly SimpleExpression[];
  readonly invariant: readonly SimpleExpression[];
}

/**
 * The preconditions and invariants of `spec` as boolean fast-path expressions over its inputs (invariants see the
 * inputs only: one that reads `result` is not on the fast path), or undefined when the spec is not TypeScript or
 * any of them is off the fast path. A spec without conditions gives two empty lists.
 */
export function simpleConditions(spec: TaskSpec): SimpleConditions | undefined {
  if (spec.language !== 'typescript') return undefined;
  const names = new Map<string, SimpleType>();
  for (const input of spec.signature.inputs) {
    const type = simpleTypeOf(input.type);
    if (type !== undefined) names.set(input.name, type);
  }
  const compileAll = (sources: readonly string[]): SimpleExpression[] | undefined => {
    const out: SimpleExpression[] = [];
    for (const source of sources) {
      const compiled = compileSimpleExpression(source, names);
      if (compiled?.type !== 'boolean') return undefined;
      out.push(compiled);
    }
    return out;
  };
  const precondition = compileAll(spec.preconditions);
  const invariant = compileAll(spec.invariants);
  return precondition === undefined || invariant === undefined ? undefined : { precondition, invariant };
}

/**
 * Whether checking the preconditions and invariants of `spec` before the first sample needs the judge: false when it
 * has none, or when {@link simpleConditions} compiles all of them. A caller that opens the sandbox only when this is
 * true spares a sandbox start.
 */
export function conditionsNeedJudge(spec: TaskSpec): boolean {
  return spec.preconditions.length + spec.invariants.length > 0 && simpleConditions(spec) === undefined;
}
