/**
 * @module llm/parse-options
 * Validates caller options against a zod schema at a public boundary and turns the first issue into an
 * `InvalidArgumentError` that names the parameter path.
 */
import type { z } from 'zod';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';

/**
 * Parses `value` with `schema`.
 *
 * @param parameter - Name of the whole argument, e.g. `options`; issue paths are appended (`options.threads`).
 * @returns The parsed (defaults applied) value.
 * @throws InvalidArgumentError (`invalid_argument`) naming the first failing parameter, its value and what was
 *   expected.
 */
export function parseOptions<S extends z.ZodType>(schema: S, value: unknown, parameter: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path ?? [];
  const keys = issue?.code === 'unrecognized_keys' ? issue.keys : [];
  const fullPath = [...path, ...keys.slice(0, 1)];
  return failAt(parameter, fullPath, value, issue?.message ?? 'a valid value', result.error);
}

function failAt(
  parameter: string,
  path: readonly PropertyKey[],
  root: unknown,
  expected: string,
  cause: unknown,
): never {
  let current: unknown = root;
  for (const key of path) {
    current =
      current !== null && typeof current === 'object' ? (current as Record<PropertyKey, unknown>)[key] : undefined;
  }
  const name = [parameter, ...path.map((key) => String(key))].join('.');
  throw new InvalidArgumentError({ parameter: name, value: current, expected, cause });
}
