/**
 * @module sandbox/value-encoding
 * The tagged JSON encoding of values crossing the sandbox boundary (inputs in, results out). Plain JSON plus
 * `{"$zerr": tag}` objects for what JSON cannot hold: `nan`, `inf`, `-inf`, `-0`, `undefined`, and
 * `{"$zerr":"bigint","v":"123"}`. The harnesses (node and python) implement the same encoding.
 */

/** Key that marks a tagged value. A real object whose only key is `$zerr` would be misread (accepted limitation). */
export const TAG_KEY = '$zerr';

/** Encodes a value to tagged JSON-safe data. Functions and symbols become `undefined`; cycles throw. */
export function encodeTagged(value: unknown, seen: Set<object> = new Set()): unknown {
  switch (typeof value) {
    case 'number':
      if (Number.isNaN(value)) return { [TAG_KEY]: 'nan' };
      if (value === Infinity) return { [TAG_KEY]: 'inf' };
      if (value === -Infinity) return { [TAG_KEY]: '-inf' };
      if (Object.is(value, -0)) return { [TAG_KEY]: '-0' };
      return value;
    case 'bigint':
      return { [TAG_KEY]: 'bigint', v: value.toString() };
    case 'undefined':
    case 'function':
    case 'symbol':
      return { [TAG_KEY]: 'undefined' };
    case 'object': {
      if (value === null) return null;
      if (seen.has(value)) throw new TypeError('cannot encode a cyclic value');
      seen.add(value);
      try {
        if (Array.isArray(value)) return value.map((v) => encodeTagged(v, seen));
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encodeTagged(v, seen)]));
      } finally {
        seen.delete(value);
      }
    }
    default:
      return value;
  }
}

/**
 * Decodes tagged JSON data back to JS values: `NaN`, `Infinity`, `-Infinity`, `-0`, `undefined`, and `bigint`
 * (only produced for integers outside the safe range, or JS bigints).
 */
export function decodeTagged(data: unknown): unknown {
  if (Array.isArray(data)) return data.map(decodeTagged);
  if (data === null || typeof data !== 'object') return data;
  const record = data as Record<string, unknown>;
  const tag = record[TAG_KEY];
  if (typeof tag === 'string' && Object.keys(record).length <= 2) {
    switch (tag) {
      case 'nan':
        return NaN;
      case 'inf':
        return Infinity;
      case '-inf':
        return -Infinity;
      case '-0':
        return -0;
      case 'undefined':
        return undefined;
      case 'bigint':
        return typeof record['v'] === 'string' ? BigInt(record['v']) : undefined;
      default:
        break;
    }
  }
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, decodeTagged(v)]));
}
