/**
 * @module verify/contracts/expression-syntax
 * Finds a spec expression (precondition, invariant, postcondition or property) that is not a valid TypeScript
 * expression, before anything runs.
 */
import { ts } from '../../task-spec/typescript-api.js';
import type { CheckPlan, ExpressionGroup } from './check-plan.js';

/** An expression that does not parse, found before anything runs. */
export interface ExpressionSyntaxError {
  readonly by: ExpressionGroup;
  readonly index: number;
  readonly message: string;
}

/** The first expression of `plan` that is not a valid TypeScript expression, or undefined. */
export function findTypeScriptSyntaxError(plan: CheckPlan): ExpressionSyntaxError | undefined {
  const groups: [ExpressionGroup, readonly string[]][] = [
    ['precondition', plan.preconditions],
    ['invariant', plan.invariants],
    ['check', plan.checks.map((c) => c.expression)],
  ];
  for (const [by, expressions] of groups) {
    for (const [index, expression] of expressions.entries()) {
      const out = ts.transpileModule(`(\n${expression}\n);`, { reportDiagnostics: true, compilerOptions: { noResolve: true } });
      const first = out.diagnostics?.[0];
      if (first) return { by, index, message: ts.flattenDiagnosticMessageText(first.messageText, '\n') };
    }
  }
  return undefined;
}
