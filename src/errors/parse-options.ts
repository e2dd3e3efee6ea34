/**
 * @module errors/parse-options
 * Validates an options object against a zod schema at a public boundary and turns the first issue into an
 * {@link InvalidArgumentError} that names the parameter, the value and what was expected.
 */
import type { z } from 'zod';
import { InvalidArgumentError } from './invalid-argument-error.js';

/**
 * Parses `value` with `schema`: the one zod-to-InvalidArgumentError boundary check every module uses.
 * @param name Name of the options parameter used as the path prefix, e.g. `options`.
 * @throws InvalidArgumentError (`invalid_argument`) on the first failing field, e.g. parameter `options.k`.
 */
export function parseOptions<Schema extends z.ZodType>(schema: Schema, value: unknown, name = 'options'): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const [issue] = result.error.issues;
  // An unknown key is reported at the key itself (`options.foo`), not at the object.
  const path = [...(issue?.path ?? []), ...(issue?.code === 'unrecognized_keys' ? issue.keys.slice(0, 1) : [])];
  let received: unknown = value;
  for (const key of path) {
    received = received !== null && typeof received === 'object' ? (received as Record<PropertyKey, unknown>)[key] : undefined;
  }
  throw new InvalidArgumentError({
    parameter: [name, ...path.map(String)].join('.'),
    value: received,
    expected: issue?.message ?? 'a valid value',
    cause: result.error,
  });
}
