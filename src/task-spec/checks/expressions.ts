/**
 * @module task-spec/checks/expressions
 * The spec's expressions as one list, with the field each sits in and the names in its scope: preconditions see the
 * inputs; invariants, postconditions and properties also see `result` (invariants are evaluated before the call too,
 * when `result` is not there yet).
 */
import type { TaskSpec } from '../task-spec.js';

/** Which list an expression is in. */
export type ExpressionField = 'preconditions' | 'invariants' | 'postconditions' | 'properties';

/** One spec expression and where it is. */
export interface SpecExpression {
  readonly field: ExpressionField;
  readonly index: number;
  /** The field path used in messages: `postconditions.0`, `properties.2.expression`. */
  readonly path: string;
  readonly source: string;
  /** How `result` is bound: not at all, to the output, or to the output or nothing (before the call). */
  readonly result: 'none' | 'output' | 'output-or-nothing';
}

/** Every expression of `spec`, in the order preconditions, invariants, postconditions, properties. */
export function specExpressions(spec: TaskSpec): SpecExpression[] {
  return [
    ...spec.preconditions.map((source, index) => ({ field: 'preconditions' as const, index, path: `preconditions.${index}`, source, result: 'none' as const })),
    ...spec.invariants.map((source, index) => ({ field: 'invariants' as const, index, path: `invariants.${index}`, source, result: 'output-or-nothing' as const })),
    ...spec.postconditions.map((source, index) => ({ field: 'postconditions' as const, index, path: `postconditions.${index}`, source, result: 'output' as const })),
    ...spec.properties.map((property, index) => ({
      field: 'properties' as const, index, path: `properties.${index}.expression`, source: property.expression, result: 'output' as const,
    })),
  ];
}

/** `x, low and high` or `x, low, high and result`, for messages. */
export function scopeWords(names: readonly string[]): string {
  if (names.length === 0) return 'no names';
  if (names.length === 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`;
}
