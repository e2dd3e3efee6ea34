/**
 * @module sandbox/typed-encoding
 * Arguments encoded by their declared types on their way into the sandbox: a spec writes every value as JSON (a
 * list, an object, a string), and the candidate receives the value its signature declares - a Python `tuple`, `set`,
 * `frozenset`, `bytes` or `dict` with `int` keys; a TypeScript `Set`, `Map`, `Date` or `bigint`. Without it a
 * reference solution that calls `xs.add(1)` on a `Set[int]`, looks up `d[1]` in a `Dict[int, str]` or does
 * `x * 2n` on a `bigint` fails on its own visible tests.
 *
 * The result is tagged wire data (`value-encoding.ts`), built from the JSON value and the declared {@link TypeRef}:
 *
 * | declared | written in the spec as | reaches the candidate as |
 * |---|---|---|
 * | Python `Tuple[A, B]`, `Tuple[T, ...]`, `tuple` | a list | `tuple` |
 * | Python `Set[T]` / `FrozenSet[T]` | a list | `set` / `frozenset` |
 * | Python `Dict[int, V]` (also `float` keys) | an object (`{"1": "a"}`, YAML `{1: a}`) | `dict` with `int` keys |
 * | Python `bytes`, `bytearray` | a string (its UTF-8 bytes) or a list of integers 0-255 | `bytes` |
 * | TypeScript `Set<T>` | a list | `Set` |
 * | TypeScript `Map<K, V>` | an object (`number` keys from their digits) | `Map` |
 * | TypeScript `Date` | an ISO 8601 string or milliseconds since 1970 | `Date` |
 * | TypeScript `bigint` | an integer or a string of digits | `bigint` |
 * | TypeScript `undefined`, `T \| undefined` (no `null`) | `null` | `undefined` |
 *
 * Elements, fields and values are encoded by their own declared types, at any depth. A value that does not have the
 * declared shape (the spec check reports those before any sample) and every other type are encoded as they are.
 */
import type { Language } from '../task-spec/task-spec.js';
import { isNumericType, type TypeRef } from '../task-spec/type-ref-model.js';
import { isIntegerText, writtenBytes } from '../task-spec/written-values.js';
import { valueMismatch } from '../task-spec/checks/test-cases.js';
import { encodeTagged, TAG_KEY } from './value-encoding.js';

/**
 * The wire form of `args` (one call's arguments), each encoded by its declared type (see the module note);
 * `types` (or `types[i]`) undefined: encoded as it is, as `encodeTagged` does.
 * @throws TypeError for a cyclic value (as `encodeTagged`).
 */
export function encodeArgumentsByType(args: readonly unknown[], types: readonly (TypeRef | undefined)[] | undefined, language: Language): unknown[] {
  return args.map((arg, index) => encodeByType(arg, types?.[index], language));
}

/** The wire form of `value` as a value of `type` in `language` (see the module note). */
export function encodeByType(value: unknown, type: TypeRef | undefined, language: Language): unknown {
  if (type === undefined) return encodeTagged(value);
  const python = language === 'python';
  const tagged = (tag: string, v: unknown): unknown => ({ [TAG_KEY]: tag, v });
  switch (type.kind) {
    case 'optional':
      if (value === null || value === undefined) return type.undefined === true && !python ? encodeTagged(undefined) : encodeTagged(value);
      return encodeByType(value, type.inner, language);
    case 'null':
      return type.undefined === true && !python && value === null ? encodeTagged(undefined) : encodeTagged(value);
    case 'union': {
      const member = type.members.find((candidate) => valueMismatch(value, candidate) === undefined);
      return encodeByType(value, member, language);
    }
    case 'array': {
      if (!Array.isArray(value)) return encodeTagged(value);
      const items = value.map((item: unknown) => encodeByType(item, type.element, language));
      if (type.container === undefined) return items;
      if (python) return tagged(type.container, items);
      return type.container === 'tuple' ? items : tagged('set', items);
    }
    case 'tuple': {
      if (!Array.isArray(value)) return encodeTagged(value);
      const items = value.map((item: unknown, index) => encodeByType(item, type.elements[index], language));
      return python ? tagged('tuple', items) : items;
    }
    case 'record': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return encodeTagged(value);
      const entries = Object.entries(value as Record<string, unknown>);
      const numericKeys = isNumericType(type.key);
      const key = (text: string): unknown => (numericKeys && text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text);
      if (type.container === 'map' && !python) return tagged('map', entries.map(([k, v]) => [key(k), encodeByType(v, type.value, language)]));
      if (python && numericKeys) return tagged('dict', entries.map(([k, v]) => [key(k), encodeByType(v, type.value, language)]));
      return plainObject(entries.map(([k, v]) => [k, encodeByType(v, type.value, language)]));
    }
    case 'object': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return encodeTagged(value);
      const fields = new Map(type.fields.map((field) => [field.name, field.type]));
      return plainObject(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, encodeByType(v, fields.get(k), language)]));
    }
    case 'bigint':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return tagged('bigint', String(value));
      return isIntegerText(value) ? tagged('bigint', value) : encodeTagged(value);
    case 'bytes': {
      const bytes = python ? writtenBytes(value) : undefined;
      return bytes === undefined ? encodeTagged(value) : tagged('bytes', bytes.toString('base64'));
    }
    case 'date': {
      if (python || (typeof value !== 'string' && typeof value !== 'number')) return encodeTagged(value);
      const date = new Date(value);
      return Number.isNaN(date.getTime()) ? encodeTagged(value) : tagged('date', date.toISOString());
    }
    default:
      return encodeTagged(value);
  }
}

/** A plain object from encoded entries; one with a `$zerr` key of its own is wrapped (`object` tag), as `encodeTagged` does. */
function plainObject(entries: readonly (readonly [string, unknown])[]): unknown {
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(out, k, { value: v, writable: true, enumerable: true, configurable: true });
  return Object.hasOwn(out, TAG_KEY) ? { [TAG_KEY]: 'object', v: out } : out;
}
