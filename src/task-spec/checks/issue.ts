/**
 * @module task-spec/checks/issue
 * Builds a {@link SpecIssue} in the loader's format: `<source>: <field path>: got <value>, expected <what>`.
 */
import { previewValue } from '../format-issues.js';
import type { SpecIssue } from '../spec-validation-error.js';

/** A preview of `value` that keeps what JSON cannot show: `NaN`, `Infinity`, `-Infinity`. */
export function previewSpecValue(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (Array.isArray(value) && value.some((item) => typeof item === 'number' && !Number.isFinite(item))) {
    const text = `[${value.map((item) => (typeof item === 'number' && !Number.isFinite(item) ? String(item) : previewValue(item))).join(',')}]`;
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  }
  return previewValue(value);
}

/**
 * One issue at `path` (dotted, `testCases.0.inputs.1`).
 * @param got - how to show what was found; default a preview of `value`.
 */
export function specIssue(source: string, path: string, value: unknown, expected: string, got?: string): SpecIssue {
  return { path, value, expected, message: `${source}: ${path}: got ${got ?? previewSpecValue(value)}, expected ${expected}` };
}
