/**
 * @module store/json-column
 * How JSON-valued fields (run config, summary, task spec, layer details) are stored: as JSON text. Every backend
 * round-trips these fields through the same encoding, so a value reads back identically from any store.
 * `undefined` is kept distinct from `null` (stored as SQL NULL vs the text `null`).
 */
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';

/**
 * Encodes a JSON-valued field. Returns null for `undefined`.
 * @throws InvalidArgumentError (`invalid_argument`) when the value cannot be serialized (BigInt, cycles, or a
 *   function or symbol, which `JSON.stringify` would silently drop).
 */
export function encodeJson(value: unknown, parameter: string): string | null {
  if (value === undefined) return null;
  let text: string | undefined;
  try {
    text = JSON.stringify(value) as string | undefined;
  } catch (error) {
    throw new InvalidArgumentError({ parameter, value, expected: 'a JSON-serializable value', cause: error });
  }
  if (text === undefined) throw new InvalidArgumentError({ parameter, value, expected: 'a JSON-serializable value' });
  return text;
}

/** Decodes what {@link encodeJson} produced (null reads back as `undefined`). */
export function decodeJson(text: string | null): unknown {
  return text === null ? undefined : (JSON.parse(text) as unknown);
}

/** Round-trips a value through the JSON encoding: a deep copy with exactly what a persistent store would return. */
export function roundTripJson<T>(value: T, parameter: string): T {
  return decodeJson(encodeJson(value, parameter)) as T;
}
