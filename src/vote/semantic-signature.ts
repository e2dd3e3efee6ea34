/**
 * @module vote/semantic-signature
 * The execution-based equivalence class key of a candidate, as in CodeT (Chen et al. 2023, arXiv 2207.10397,
 * "dual execution agreement") and MBR-exec (Shi et al. 2022, arXiv 2204.11454): candidates that behave the same
 * on the same generated inputs fall in the same class and vote together in first-to-ahead-by-k voting.
 */
import { createHash } from 'node:crypto';
import type { CallOutcome } from '../sandbox/candidate-runner.js';
import type { Comparator } from '../task-spec/task-spec.js';

/** A candidate's behaviour, canonicalised, and its short class key. */
export interface SemanticSignature {
  /** Canonical JSON of the outcomes, one entry per call, in call order. */
  readonly signature: string;
  /** First 16 hex characters of the SHA-256 of `signature`. */
  readonly classKey: string;
}

/** Significant digits kept for non-integer numbers. */
const SIGNIFICANT_DIGITS = 12;

/**
 * Computes the semantic signature of a candidate from its outcomes on a fixed list of inputs (the same inputs, in
 * the same order, for every candidate of a task).
 *
 * Canonicalisation, so that equal behaviour gives equal keys:
 * - a returned value becomes `{"value": <canonical value>}`; object keys are sorted, `-0` becomes `0`, numbers
 *   that are not safe integers are rounded to 12 significant digits (so `0.1 + 0.2` and `0.3` agree), `NaN` and
 *   infinities become the tagged strings `{"$number":"NaN"}` etc., `undefined` becomes `null` (a JSON transport
 *   cannot tell them apart), bigints become `{"$bigint":"<digits>"}`;
 * - every thrown exception becomes `"error"`: the exception type and message are ignored because generated inputs
 *   may violate the task's unstated preconditions, and two correct candidates then fail differently on them
 *   (`IndexError` vs `ValueError`, `TypeError` vs `RangeError`) - splitting them would starve the correct class of
 *   votes for a difference no caller can observe on valid inputs;
 * - a call past its time limit becomes `"timeout"`;
 * - with the output's comparator `unordered`, a returned list is sorted (by the canonical JSON of its elements), and
 *   with `set` also de-duplicated, so that answers in different orders fall in one class (the spec said the order
 *   does not matter). `exact` and `partial` keep lists as they are.
 *
 * Never throws; cyclic values are replaced by `{"$cycle":true}`.
 */
export function semanticSignature(outcomes: readonly CallOutcome[], options: { readonly compare?: Comparator } = {}): SemanticSignature {
  const signature = JSON.stringify(outcomes.map((outcome) => canonicalOutcome(outcome, options.compare ?? 'exact')));
  const classKey = createHash('sha256').update(signature).digest('hex').slice(0, 16);
  return { signature, classKey };
}

function canonicalOutcome(outcome: CallOutcome, compare: Comparator): unknown {
  switch (outcome.kind) {
    case 'value': {
      const value = canonicalValue(outcome.value, new Set());
      if ((compare !== 'unordered' && compare !== 'set') || !Array.isArray(value)) return { value };
      const keyed = value.map((item: unknown) => ({ item, key: JSON.stringify(item) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      const kept = compare === 'set' ? keyed.filter((entry, i) => i === 0 || entry.key !== keyed[i - 1]?.key) : keyed;
      return { value: kept.map((entry) => entry.item) };
    }
    case 'error':
      return 'error';
    case 'timeout':
      return 'timeout';
    default:
      return 'unknown';
  }
}

/** A JSON value with sorted keys and normalised numbers (see {@link semanticSignature}). */
export function canonicalValue(value: unknown, seen: Set<object> = new Set()): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return canonicalNumber(value);
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value !== 'object') return { $type: typeof value };
  if (seen.has(value)) return { $cycle: true };
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item: unknown) => canonicalValue(item, seen));
    // A null-prototype object, so that a `__proto__` key stays an own key.
    const result = Object.create(null) as Record<string, unknown>;
    for (const key of Object.keys(value).sort()) result[key] = canonicalValue((value as Record<string, unknown>)[key], seen);
    return result;
  } finally {
    seen.delete(value);
  }
}

function canonicalNumber(value: number): unknown {
  if (Number.isNaN(value)) return { $number: 'NaN' };
  if (!Number.isFinite(value)) return { $number: value > 0 ? 'Infinity' : '-Infinity' };
  if (Object.is(value, -0)) return 0;
  if (Number.isSafeInteger(value)) return value;
  const rounded = Number(value.toPrecision(SIGNIFICANT_DIGITS));
  return Object.is(rounded, -0) ? 0 : rounded;
}
