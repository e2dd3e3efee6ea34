/**
 * @module sandbox/value-encoding
 * The tagged JSON encoding of values crossing the sandbox boundary (inputs in, results out), and the bounded reader
 * of what comes back. Plain JSON plus `{"$zerr": tag, "v"?: ...}` objects for what JSON cannot hold:
 * - `nan`, `inf`, `-inf`, `-0`, `undefined`; `bigint` (`v`: decimal digits);
 * - `float` (`v`: a number): a Python float with an integral value, so `3.0` is not read back as the int `3`;
 * - Python containers: `tuple`, `set`, `frozenset` (`v`: an array; sets sorted by the harness), `dict` with keys that
 *   are not all strings (`v`: an array of `[key, value]` pairs), `bytes` (`v`: base64);
 * - JavaScript containers: `map` (`v`: `[key, value]` pairs), `set` (`v`: an array);
 * - `object` (`v`: a plain object that itself has a `$zerr` key, so no data is ever misread as a tag).
 * The harnesses (node and python) and the judges implement the same encoding.
 *
 * Everything a candidate sends is read by {@link parseWire} (size and depth caps checked on the text before any
 * parsing) and {@link decodeTagged} (iterative, depth-capped): no candidate output can exhaust the engine's stack.
 */

/** Key that marks a tagged value. */
export const TAG_KEY = '$zerr';

/** Deepest nesting of arrays/objects accepted from a sandbox, tags included. */
export const MAX_WIRE_DEPTH = 1024;

/** Largest wire text accepted from a sandbox in one line, in bytes (UTF-16 code units). Default 16 MiB. */
export const MAX_WIRE_CHARS = 16 * 1024 * 1024;

/** Why a wire text was refused. */
export class WireFormatError extends Error {
  override readonly name = 'WireFormatError';
}

/**
 * Parses JSON text received from a sandbox. The nesting depth is measured on the text itself (a linear scan that
 * skips strings) before `JSON.parse`, so a result nested 300,000 deep is refused without recursing.
 * @throws WireFormatError when the text is longer than `maxChars`, deeper than `maxDepth`, or not JSON.
 */
export function parseWire(text: string, options: { readonly maxDepth?: number; readonly maxChars?: number } = {}): unknown {
  const maxDepth = options.maxDepth ?? MAX_WIRE_DEPTH;
  const maxChars = options.maxChars ?? MAX_WIRE_CHARS;
  if (text.length > maxChars) throw new WireFormatError(`the value is larger than ${maxChars} characters`);
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth += 1;
      if (depth > maxDepth) throw new WireFormatError(`the value is nested deeper than ${maxDepth} levels`);
    } else if (c === 0x5d || c === 0x7d) depth -= 1;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new WireFormatError(`the value is not valid JSON: ${(error as Error).message.slice(0, 200)}`);
  }
}

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
        const entries = Object.entries(value).map(([k, v]) => [k, encodeTagged(v, seen)] as const);
        const plain = Object.fromEntries(entries);
        return Object.hasOwn(value, TAG_KEY) ? { [TAG_KEY]: 'object', v: plain } : plain;
      } finally {
        seen.delete(value);
      }
    }
    default:
      return value;
  }
}

/**
 * The object key a decoded dict or map key stands under: a string as it is, any other key as its JSON (`1` -> `"1"`,
 * bigints as their digits), so that an int-keyed dict compares with a spec's JSON object.
 */
export function objectKeyOf(key: unknown): string {
  return typeof key === 'string' ? key : JSON.stringify(key, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
}

interface Frame {
  /** The wire node being decoded. */
  readonly data: unknown;
  /** Where the decoded value goes: `parent[key]`. */
  readonly parent: Record<string, unknown> | unknown[];
  readonly key: string | number;
  readonly depth: number;
  /** Decode this object's keys as data, without reading a tag (the payload of an `object` tag). */
  readonly plain?: boolean;
}

/**
 * Decodes tagged JSON data to JavaScript values: `NaN`, `Infinity`, `-Infinity`, `-0`, `undefined`, `bigint`;
 * Python tuples, sets and frozensets become arrays, a `dict` with non-string keys an object keyed by the key's JSON
 * (`1` -> `"1"`, `(1, 2)` -> `"[1,2]"`), `bytes` stays `{ $zerr: 'bytes', v }`; JavaScript maps become arrays of
 * `[key, value]` pairs and sets arrays (as they did before tags existed). Keys are defined, not assigned, so a
 * `__proto__` key stays an own key and sets no prototype. Iterative: an explicit stack, never recursion.
 * @throws WireFormatError when the data is nested deeper than `maxDepth` (default {@link MAX_WIRE_DEPTH}).
 */
export function decodeTagged(data: unknown, maxDepth: number = MAX_WIRE_DEPTH): unknown {
  const root: unknown[] = [undefined];
  const stack: Frame[] = [{ data, parent: root, key: 0, depth: 0 }];
  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    if (frame.depth > maxDepth) throw new WireFormatError(`the value is nested deeper than ${maxDepth} levels`);
    // defineProperty, not assignment: a `__proto__` key stays an own key and never sets a prototype.
    const put = (value: unknown): void => {
      Object.defineProperty(frame.parent, frame.key, { value, writable: true, enumerable: true, configurable: true });
    };
    const { data: node, depth } = frame;
    if (Array.isArray(node)) {
      const out: unknown[] = new Array<unknown>(node.length);
      put(out);
      node.forEach((item, i) => stack.push({ data: item, parent: out, key: i, depth: depth + 1 }));
      continue;
    }
    if (node === null || typeof node !== 'object') {
      put(node);
      continue;
    }
    const record = node as Record<string, unknown>;
    const tag = record[TAG_KEY];
    if (frame.plain !== true && typeof tag === 'string' && Object.keys(record).length <= 2) {
      const v = record['v'];
      switch (tag) {
        case 'nan':
          put(NaN);
          continue;
        case 'inf':
          put(Infinity);
          continue;
        case '-inf':
          put(-Infinity);
          continue;
        case '-0':
          put(-0);
          continue;
        case 'undefined':
          put(undefined);
          continue;
        case 'float':
          put(typeof v === 'number' ? v : NaN);
          continue;
        case 'bigint':
          put(typeof v === 'string' && /^-?\d{1,100000}$/.test(v) ? BigInt(v) : undefined);
          continue;
        case 'tuple':
        case 'set':
        case 'frozenset':
          if (Array.isArray(v)) {
            stack.push({ data: v, parent: frame.parent, key: frame.key, depth: depth + 1 });
            continue;
          }
          break;
        case 'object':
          if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
            stack.push({ data: v, parent: frame.parent, key: frame.key, depth: depth + 1, plain: true });
            continue;
          }
          break;
        case 'map':
        case 'dict':
          if (Array.isArray(v)) {
            if (tag === 'map') {
              stack.push({ data: v, parent: frame.parent, key: frame.key, depth: depth + 1 });
            } else {
              const out: Record<string, unknown> = {};
              put(out);
              for (const pair of v) {
                if (!Array.isArray(pair) || pair.length !== 2) continue;
                const keyValue = decodeTagged(pair[0], Math.max(0, maxDepth - depth - 2));
                const key = objectKeyOf(keyValue);
                stack.push({ data: pair[1], parent: out, key, depth: depth + 2 });
              }
            }
            continue;
          }
          break;
        default:
          break;
      }
    }
    const out: Record<string, unknown> = {};
    put(out);
    for (const [key, value] of Object.entries(record)) stack.push({ data: value, parent: out, key, depth: depth + 1 });
  }
  return root[0];
}
