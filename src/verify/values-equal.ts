/**
 * @module verify/values-equal
 * Equality of a candidate's returned value with an expected value, by the declared type (trusted code, run by the
 * engine over plain data decoded from the sandbox): integers exactly, floats within a tolerance, structures
 * structurally.
 */
import type { Comparator } from '../task-spec/task-spec.js';
import type { TypeRef } from '../task-spec/type-ref.js';
import { isIntegerText, writtenBytes } from '../task-spec/written-values.js';
import { objectKeyOf, TAG_KEY } from '../sandbox/value-encoding.js';

/** Tolerance of float comparison: `|a - b| <= max(absolute, relative * max(|a|, |b|))`. */
export interface FloatTolerance {
  readonly relative: number;
  readonly absolute: number;
}

/** The default float tolerance: relative 1e-9 (as Python's `math.isclose`), absolute 1e-12. */
export const DEFAULT_FLOAT_TOLERANCE: FloatTolerance = Object.freeze({ relative: 1e-9, absolute: 1e-12 });

/** Options of {@link valuesEqual}. */
export interface ValuesEqualOptions {
  /** The declared type of the expected value; absent or `any`: judged from the values themselves. */
  readonly type?: TypeRef;
  /** Float tolerance. Default {@link DEFAULT_FLOAT_TOLERANCE}. */
  readonly tolerance?: FloatTolerance;
  /**
   * `exact` (default), `unordered` (a list: the same elements as many times each, in any order), `set` (a list: the
   * same distinct elements) or `partial` (the expected value is a deep-partial pattern: objects need only its
   * keys). Elements and values are compared as `exact` does, by the declared element type.
   */
  readonly compare?: Comparator;
}

/**
 * Deep equality for test oracles, by declared type (the rules in docs/spec.md, "How results are compared"):
 * - `integer` (Python `int`), and any two integral values (`number` with no fraction, or `bigint`) whatever the
 *   declared type: exactly equal, so an answer off by 1,000 at 10^15 is wrong;
 * - `float`, and `number` when either value has a fraction: `|a - b| <= max(absolute, relative * max(|a|, |b|))`
 *   (default relative 1e-9, absolute 1e-12); `NaN` equals `NaN`; infinities equal themselves only; `0` equals `-0`;
 * - `null` and `undefined` are equal (Python `None` and MultiPL-E's `undefined` both mean "no value");
 * - arrays and tuples: same length and pairwise equal (element types from the declared type); objects and records:
 *   the same own keys and pairwise equal values; everything else: `Object.is`.
 */
export function valuesEqual(actual: unknown, expected: unknown, options: ValuesEqualOptions = {}): boolean {
  const tolerance = options.tolerance ?? DEFAULT_FLOAT_TOLERANCE;
  switch (options.compare ?? 'exact') {
    case 'unordered':
      return Array.isArray(actual) && Array.isArray(expected) && actual.length === expected.length &&
        matchesEach(expected, actual, elementType(options.type, 0), tolerance, true);
    case 'set':
      return Array.isArray(actual) && Array.isArray(expected) && sameSet(actual, expected, elementType(options.type, 0), tolerance);
    case 'partial':
      return equal(actual, expected, options.type, tolerance, true);
    default:
      return equal(actual, expected, options.type, tolerance);
  }
}

/** Whether two lists hold the same distinct elements (order and repeats aside), elements compared by `type`. */
function sameSet(actual: readonly unknown[], expected: readonly unknown[], type: TypeRef | undefined, tolerance: FloatTolerance): boolean {
  return matchesEach(expected, actual, type, tolerance, false) && matchesEach(actual, expected, type, tolerance, false);
}

/**
 * Whether every element of `wanted` equals some element of `pool`; with `once`, each element of `pool` matches at
 * most one (a greedy matching, exact for values whose equality is transitive - all but floats at the tolerance's
 * edge). Quadratic in the list length.
 */
function matchesEach(wanted: readonly unknown[], pool: readonly unknown[], type: TypeRef | undefined, tolerance: FloatTolerance, once: boolean): boolean {
  const used = new Array<boolean>(pool.length).fill(false);
  return wanted.every((value) => {
    const index = pool.findIndex((candidate, i) => !(once && used[i] === true) && equal(candidate, value, type, tolerance));
    if (index < 0) return false;
    used[index] = true;
    return true;
  });
}

function equal(actual: unknown, expected: unknown, type: TypeRef | undefined, tolerance: FloatTolerance, partial = false): boolean {
  if (actual == null && expected == null) return true;
  const t = type?.kind === 'optional' ? type.inner : type;
  // The declared type first: identical text is not equal when the candidate's value is not of that type (a `str` for
  // `bytes`).
  const declared = byDeclaredType(actual, expected, t, tolerance);
  if (declared !== undefined) return declared;
  if (actual === expected) return true;
  const a = numeric(actual);
  const b = numeric(expected);
  if (a !== undefined && b !== undefined) return numbersEqual(a, b, t, tolerance);
  if (Array.isArray(actual) || Array.isArray(expected)) {
    if (!Array.isArray(actual) || !Array.isArray(expected) || actual.length !== expected.length) return false;
    return actual.every((value, i) => equal(value, expected[i], elementType(t, i), tolerance, partial));
  }
  if (typeof actual === 'object' && typeof expected === 'object' && actual !== null && expected !== null) {
    const ka = Object.keys(actual);
    const kb = Object.keys(expected);
    if (!partial && ka.length !== kb.length) return false;
    const ra = actual as Record<string, unknown>;
    const rb = expected as Record<string, unknown>;
    return kb.every((k) => Object.hasOwn(ra, k) && equal(ra[k], rb[k], fieldType(t, k), tolerance, partial));
  }
  return Object.is(actual, expected);
}

/**
 * Equality decided by a declared type whose values arrive in another form than the spec writes them (undefined
 * otherwise, for the structural rules): a set or frozenset (a list, any order, repeats ignored); a TypeScript `Map`
 * (a list of `[key, value]` pairs, against an object or such a list); Python `bytes` (tagged base64 - a candidate's
 * `str` is not bytes - against a string taken as UTF-8 or a list of integers 0-255); a `Date` (an ISO string, against an ISO string or milliseconds); a
 * `bigint` or Python `int` written as a string of digits.
 */
function byDeclaredType(actual: unknown, expected: unknown, type: TypeRef | undefined, tolerance: FloatTolerance): boolean | undefined {
  if (type === undefined) return undefined;
  if (type.kind === 'array' && (type.container === 'set' || type.container === 'frozenset') && Array.isArray(actual) && Array.isArray(expected)) {
    return sameSet(actual, expected, type.element, tolerance);
  }
  if (type.kind === 'record' && type.container === 'map' && isPairs(actual)) {
    const asRecord: TypeRef = { kind: 'record', key: type.key, value: type.value };
    if (isPairs(expected)) return equal(pairsRecord(actual), pairsRecord(expected), asRecord, tolerance);
    if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
      return actual.length === Object.keys(expected).length && equal(pairsRecord(actual), expected, asRecord, tolerance);
    }
    return false;
  }
  if (type.kind === 'bytes') {
    // The candidate's value must be bytes (a `str` is not); the spec's may be written as a string or a byte list.
    const a = taggedBytes(actual);
    const b = taggedBytes(expected) ?? writtenBytes(expected);
    return a !== undefined && b !== undefined && a.equals(b);
  }
  if (type.kind === 'date' && typeof actual === 'string' && (typeof expected === 'string' || typeof expected === 'number')) {
    const a = Date.parse(actual);
    const b = new Date(expected).getTime();
    return !Number.isNaN(a) && a === b;
  }
  if ((type.kind === 'bigint' || type.kind === 'integer') && isIntegerText(expected)) {
    const a = numeric(actual);
    return a !== undefined && integral(a) && BigInt(a) === BigInt(expected);
  }
  return undefined;
}

/** Whether `value` is a list of `[key, value]` pairs (how a `Map` arrives). */
function isPairs(value: unknown): value is [unknown, unknown][] {
  return Array.isArray(value) && value.every((pair) => Array.isArray(pair) && pair.length === 2);
}

/** `[key, value]` pairs as an object, keyed as a decoded dict is (`objectKeyOf`: `1` -> `"1"`). */
function pairsRecord(pairs: readonly [unknown, unknown][]): Record<string, unknown> {
  return Object.fromEntries(pairs.map(([k, v]) => [objectKeyOf(k), v]));
}

/** The bytes of a `bytes` value as it arrives from a candidate (tagged base64), or undefined for anything else. */
function taggedBytes(value: unknown): Buffer | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  const v = record['v'];
  return record[TAG_KEY] === 'bytes' && typeof v === 'string' ? Buffer.from(v, 'base64') : undefined;
}

function elementType(type: TypeRef | undefined, index: number): TypeRef | undefined {
  if (type?.kind === 'optional') return elementType(type.inner, index);
  if (type?.kind === 'array') return type.element;
  if (type?.kind === 'tuple') return type.elements[index];
  return undefined;
}

function fieldType(type: TypeRef | undefined, key: string): TypeRef | undefined {
  if (type?.kind === 'record') return type.value;
  if (type?.kind === 'object') return type.fields.find((f) => f.name === key)?.type;
  return undefined;
}

function numeric(value: unknown): number | bigint | undefined {
  return typeof value === 'number' || typeof value === 'bigint' ? value : undefined;
}

function integral(value: number | bigint): boolean {
  return typeof value === 'bigint' || Number.isInteger(value);
}

function numbersEqual(a: number | bigint, b: number | bigint, type: TypeRef | undefined, tolerance: FloatTolerance): boolean {
  if (integral(a) && integral(b)) return BigInt(a) === BigInt(b);
  if (type?.kind === 'integer') return false; // a fraction where an integer was declared
  const x = Number(a);
  const y = Number(b);
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
  if (!Number.isFinite(x) || !Number.isFinite(y)) return x === y;
  return Math.abs(x - y) <= Math.max(tolerance.absolute, tolerance.relative * Math.max(Math.abs(x), Math.abs(y)));
}
