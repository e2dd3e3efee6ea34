/**
 * @module task-spec/literal-result
 * Result types shared by the Python and TypeScript literal evaluators. They evaluate literal expressions to JSON
 * values without executing code, and report what they cannot read as a value, never by throwing.
 */

/** A JSON value: what a literal expression evaluates to (tuples as arrays, `None`/`undefined` as null). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A call expression `f(a, b)` with literal arguments: the callee's dotted name and the argument values. */
export interface CallExpression {
  readonly callee: string;
  readonly args: JsonValue[];
}

/** Why an expression could not be read: a message and the 0-based character offset where reading stopped. */
export interface LiteralFailure {
  readonly ok: false;
  readonly error: string;
  readonly offset: number;
}

/** Outcome of evaluating a literal expression. */
export type LiteralResult = { readonly ok: true; readonly value: JsonValue } | LiteralFailure;

/** Outcome of reading a call expression. */
export type CallResult = { readonly ok: true; readonly value: CallExpression } | LiteralFailure;

/**
 * Outcome of reading a call expression at the start of a text that may continue (`f(1) == 2`): `end` is the
 * offset just after the closing parenthesis.
 */
export type CallPrefixResult =
  | { readonly ok: true; readonly value: CallExpression; readonly end: number }
  | LiteralFailure;

/** Compares JSON values for sorting (null < booleans < numbers < strings < arrays < objects; then by value). */
export function compareJsonValues(a: JsonValue, b: JsonValue): number {
  const rank = (v: JsonValue): number =>
    v === null ? 0 : typeof v === 'boolean' ? 1 : typeof v === 'number' ? 2 : typeof v === 'string' ? 3 : Array.isArray(v) ? 4 : 5;
  const difference = rank(a) - rank(b);
  if (difference !== 0) return difference;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
