/**
 * @module orchestrate/project-build/integrate/python-literal
 * JSON test values written as Python literals of their declared types, for the generated pytest files. A value goes
 * through the same typed encoding that carries it into the sandbox (`sandbox/typed-encoding.ts`), so a test file
 * passes exactly what the verified piece received: `Tuple[int, int]` written `[1, 2]` becomes `(1, 2)`, `Set[str]`
 * becomes `{"a", "b"}` (or `set()`), `Dict[int, str]` gets `int` keys, `bytes` a `b"..."` literal, a `float` with an
 * integral value `3.0`, and NaN and the infinities `float("nan")` and `float("inf")`. Never truncated.
 */
import { encodeByType } from '../../../sandbox/typed-encoding.js';
import { TAG_KEY } from '../../../sandbox/value-encoding.js';
import type { TypeRef } from '../../../task-spec/type-ref-model.js';

/**
 * Renders a JSON test value as a Python expression of the declared type (`undefined`: as written).
 * @throws TypeError for a value that has no Python literal (a function, a symbol).
 */
export function renderPythonLiteral(value: unknown, type: TypeRef | undefined): string {
  return renderWire(encodeByType(value, type, 'python'));
}

/** True when the value's Python literal is exactly what `==` compares without tolerance: no float, no container tag. */
export function isExactPythonValue(value: unknown, type: TypeRef | undefined): boolean {
  return exact(encodeByType(value, type, 'python'));
}

function exact(wire: unknown): boolean {
  if (wire === null || typeof wire === 'string' || typeof wire === 'boolean') return true;
  if (typeof wire === 'number') return Number.isInteger(wire);
  if (Array.isArray(wire)) return wire.every(exact);
  if (typeof wire === 'object') return !Object.hasOwn(wire, TAG_KEY) && Object.values(wire).every(exact);
  return false;
}

function renderWire(wire: unknown): string {
  if (wire === null || wire === undefined) return 'None';
  if (typeof wire === 'boolean') return wire ? 'True' : 'False';
  if (typeof wire === 'number') return renderNumber(wire, false);
  if (typeof wire === 'string') return pythonString(wire);
  if (Array.isArray(wire)) return `[${wire.map(renderWire).join(', ')}]`;
  if (typeof wire === 'object') {
    const record = wire as Record<string, unknown>;
    const tag = record[TAG_KEY];
    if (typeof tag === 'string' && Object.keys(record).length <= 2) return renderTagged(tag, record['v']);
    return renderDict(Object.entries(record).map(([key, item]) => [pythonString(key), renderWire(item)]));
  }
  throw new TypeError(`Cannot write a ${typeof wire} as a Python literal.`);
}

function renderTagged(tag: string, v: unknown): string {
  const items = Array.isArray(v) ? v.map(renderWire) : [];
  switch (tag) {
    case 'nan':
      return 'float("nan")';
    case 'inf':
      return 'float("inf")';
    case '-inf':
      return 'float("-inf")';
    case '-0':
      return '-0.0';
    case 'undefined':
      return 'None';
    case 'float':
      return typeof v === 'number' ? renderNumber(v, true) : 'None';
    case 'bigint':
      return typeof v === 'string' ? v : String(v);
    case 'tuple':
      return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
    case 'set':
      return items.length === 0 ? 'set()' : `{${items.join(', ')}}`;
    case 'frozenset':
      return items.length === 0 ? 'frozenset()' : `frozenset({${items.join(', ')}})`;
    case 'dict':
      return renderDict((Array.isArray(v) ? v : []).map((pair) => {
        const [key, item] = Array.isArray(pair) ? pair as unknown[] : [null, null];
        return [renderWire(key), renderWire(item)];
      }));
    case 'bytes':
      return pythonBytes(Buffer.from(typeof v === 'string' ? v : '', 'base64'));
    case 'object':
      return renderWire(v);
    default:
      throw new TypeError(`Cannot write a "${tag}" value as a Python literal.`);
  }
}

function renderDict(entries: readonly (readonly [string, string])[]): string {
  return `{${entries.map(([key, item]) => `${key}: ${item}`).join(', ')}}`;
}

/** A number as Python reads it back: `3` (int) or `3.0` when it must stay a float; exponents as JavaScript writes them. */
function renderNumber(value: number, float: boolean): string {
  if (Number.isNaN(value)) return 'float("nan")';
  if (!Number.isFinite(value)) return value > 0 ? 'float("inf")' : 'float("-inf")';
  const text = String(value);
  return float && /^-?\d+$/.test(text) ? `${text}.0` : text;
}

/** A JSON string literal is a Python string literal with the same value (`\uXXXX`, `\n`, `\"` mean the same). */
function pythonString(text: string): string {
  return JSON.stringify(text);
}

/** `b"..."`: printable ASCII as itself, `"` and `\` escaped, everything else `\xNN`. */
function pythonBytes(bytes: Buffer): string {
  let out = 'b"';
  for (const byte of bytes) {
    if (byte === 0x22 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return `${out}"`;
}
