/**
 * @module task-spec/written-values
 * How a spec writes, in JSON, values that JSON has no form for: an exact integer beyond 2^53 as a string of digits,
 * and bytes as a string (its UTF-8 bytes) or a list of integers 0-255. One reading shared by the spec check
 * (`checks/test-cases.ts`), the typed encoding of arguments (`sandbox/typed-encoding.ts`) and result comparison
 * (`verify/values-equal.ts`), so that the three never disagree on what a spec meant.
 */

/** Whether `value` is an integer written as a string of digits (optionally signed; at most 4,000 digits). */
export function isIntegerText(value: unknown): value is string {
  return typeof value === 'string' && /^-?\d{1,4000}$/.test(value);
}

/** The bytes `value` stands for - a string's UTF-8 bytes, or a list of integers 0-255 - or undefined for anything else. */
export function writtenBytes(value: unknown): Buffer | undefined {
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (Array.isArray(value) && value.every((b) => typeof b === 'number' && Number.isInteger(b) && b >= 0 && b <= 255)) return Buffer.from(value as number[]);
  return undefined;
}
